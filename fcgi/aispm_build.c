/*
 * cavra-aispm builders: the posture pieces over one set of decisions and
 * sessions.  The comment before each builder states its rule; the
 * classifiers and scores they share live in lib/aispm.c.
 *
 * Orders follow the reference: sorts are stable over the store order
 * (newest first), time stamps compare as strings.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cavra.h"
#include "cv_policy.h"
#include "aispm.h"

#define BASELINE	CV_POLICY_DEFAULT

static const char *
dflt(const char *s, const char *d)
{
	return s != NULL ? s : d;
}

/* The first max (0: all) of the n strings of v as a new array. */
static struct json_object *
jstrv(const char *const *v, size_t n, size_t max)
{
	struct json_object	*a;
	size_t			 i;

	a = json_object_new_array();
	for (i = 0; i < n && (max == 0 || i < max); i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static void
add_strs(struct json_object *o, const char *key, const char *const *v)
{
	size_t	 n;

	for (n = 0; v[n] != NULL; n++)
		;
	json_object_object_add(o, key, jstrv(v, n, 0));
}

/* The redaction map of an endpoint: every key LOCKED. */
static void
add_locked(struct json_object *o, const char *key, const char *const *keys)
{
	struct json_object	*r;

	r = json_object_new_object();
	for (; *keys != NULL; keys++)
		cv_json_add_str(r, *keys, AISPM_LOCKED);
	json_object_object_add(o, key, r);
}

/*
 * A growable list of strings in the arena.  set: each string once, in
 * first-seen order (sorted with strs_sort()).
 */
struct strs {
	struct cv_arena	*a;
	const char	**v;
	size_t		 n;
	size_t		 cap;
};

static void
strs_push(struct strs *s, const char *v)
{
	const char	**nv;

	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 16 : s->cap * 2;
		nv = cv_arena_alloc(s->a, s->cap * sizeof(*nv));
		if (s->n > 0)
			memcpy(nv, s->v, s->n * sizeof(*nv));
		s->v = nv;
	}
	s->v[s->n++] = v;
}

static int
strs_has(const struct strs *s, const char *v)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], v) == 0)
			return 1;
	return 0;
}

/* Adds v when it is not NULL and not there yet. */
static void
strs_add(struct strs *s, const char *v)
{
	if (v != NULL && !strs_has(s, v))
		strs_push(s, v);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
strs_sort(struct strs *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), str_cmp);
}

static void
strs_refs(struct strs *s, const char *const *refs, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		strs_add(s, refs[i]);
}

/* Counts by name in first-seen order; most_common() is a stable sort by
 * count, largest first. */
struct counter {
	struct strs	 names;
	size_t		*counts;
	size_t		 cap;
};

static void
counter_add(struct counter *c, const char *name)
{
	size_t	*nc, i;

	for (i = 0; i < c->names.n; i++)
		if (strcmp(c->names.v[i], name) == 0) {
			c->counts[i]++;
			return;
		}
	if (c->names.n == c->cap) {
		c->cap = c->cap == 0 ? 16 : c->cap * 2;
		nc = cv_arena_alloc(c->names.a, c->cap * sizeof(*nc));
		if (c->names.n > 0)
			memcpy(nc, c->counts, c->names.n * sizeof(*nc));
		c->counts = nc;
	}
	strs_push(&c->names, name);
	c->counts[c->names.n - 1] = 1;
}

/* [{name, count}] most common first, ties in first-seen order. */
static struct json_object *
counter_profile(const struct counter *c)
{
	struct json_object	*a, *o;
	size_t			 i, j, best;
	char			*used;

	a = json_object_new_array();
	used = cv_arena_alloc(c->names.a, c->names.n + 1);
	for (i = 0; i < c->names.n; i++) {
		best = SIZE_MAX;
		for (j = 0; j < c->names.n; j++)
			if (!used[j] && (best == SIZE_MAX ||
			    c->counts[j] > c->counts[best]))
				best = j;
		used[best] = 1;
		o = json_object_new_object();
		cv_json_add_str(o, "name", c->names.v[best]);
		cv_json_add_int(o, "count", (int64_t)c->counts[best]);
		json_object_array_add(a, o);
	}
	return a;
}

/*
 * Stable sorts of built items.  Each item carries up to two numbers and
 * two strings as its key; the kind says how they compare.
 */
enum sort_kind {
	SORT_S1_DESC,		/* time stamp, newest first */
	SORT_S1_ASC,		/* time stamp, oldest first */
	SORT_N1_S1_DESC,	/* (number, time stamp), largest first */
	SORT_N1_S1_ASC,		/* (number, time stamp), smallest first */
	SORT_N1_N2_DESC,	/* (number, number), largest first */
	SORT_N1_DESC_S1_ASC,	/* number largest first, then string */
	SORT_S1_S2_ASC,		/* (string, string) */
};

struct sitem {
	struct json_object	*o;
	const void		*p;
	int64_t			 n1;
	int64_t			 n2;
	const char		*s1;
	const char		*s2;
	size_t			 i;	/* input position: stability */
};

static int
ncmp(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int
sitem_cmp(const void *va, const void *vb, void *arg)
{
	const struct sitem	*a = va, *b = vb;
	enum sort_kind		 k = *(enum sort_kind *)arg;
	int			 c = 0;

	switch (k) {
	case SORT_S1_DESC:
		c = -strcmp(a->s1, b->s1);
		break;
	case SORT_S1_ASC:
		c = strcmp(a->s1, b->s1);
		break;
	case SORT_N1_S1_DESC:
		if ((c = -ncmp(a->n1, b->n1)) == 0)
			c = -strcmp(a->s1, b->s1);
		break;
	case SORT_N1_S1_ASC:
		if ((c = ncmp(a->n1, b->n1)) == 0)
			c = strcmp(a->s1, b->s1);
		break;
	case SORT_N1_N2_DESC:
		if ((c = -ncmp(a->n1, b->n1)) == 0)
			c = -ncmp(a->n2, b->n2);
		break;
	case SORT_N1_DESC_S1_ASC:
		if ((c = -ncmp(a->n1, b->n1)) == 0)
			c = strcmp(a->s1, b->s1);
		break;
	case SORT_S1_S2_ASC:
		if ((c = strcmp(a->s1, b->s1)) == 0)
			c = strcmp(a->s2, b->s2);
		break;
	}
	return c != 0 ? c : ncmp((int64_t)a->i, (int64_t)b->i);
}

static void
sitems_sort(struct sitem *v, size_t n, enum sort_kind k)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		v[i].i = i;
	if (n > 1)
		qsort_r(v, n, sizeof(*v), sitem_cmp, &k);
}

/* The sorted items' objects as a new array (the first max; 0: all). */
static struct json_object *
sitems_array(struct sitem *v, size_t n, size_t max)
{
	struct json_object	*a;
	size_t			 i;

	a = json_object_new_array();
	for (i = 0; i < n; i++) {
		if (max != 0 && i >= max) {
			json_object_put(v[i].o);
			continue;
		}
		json_object_array_add(a, v[i].o);
	}
	return a;
}

static const char *
ts(const char *s)
{
	return s != NULL ? s : "";
}

void
aispm_set_init(struct aispm_set *s, struct cv_arena *a,
    struct json_object *decisions, struct json_object *sessions,
    const char *now)
{
	char	*v, *p;
	size_t	 i;

	memset(s, 0, sizeof(*s));
	s->a = a;
	s->ndec = json_object_array_length(decisions);
	s->nsess = json_object_array_length(sessions);
	s->dec = cv_arena_alloc(a, (s->ndec + 1) * sizeof(*s->dec));
	s->sess = cv_arena_alloc(a, (s->nsess + 1) * sizeof(*s->sess));
	for (i = 0; i < s->ndec; i++)
		cv_aispm_dec_read(a, json_object_array_get_idx(decisions, i),
		    &s->dec[i]);
	for (i = 0; i < s->nsess; i++)
		cv_aispm_sess_read(a, json_object_array_get_idx(sessions, i),
		    &s->sess[i]);
	s->now = now;
	if (cv_iso_time(now, &s->now_us) == -1)
		s->now_us = 0;
	/* the draft version is the day of now: "YYYY.MM.DD" */
	v = cv_arena_strndup(a, now, 10);
	for (p = v; *p != '\0'; p++)
		if (*p == '-')
			*p = '.';
	s->version = v;
}

/* The tally of the decisions of s for which keep() (NULL: all) holds. */
static void
tally(const struct aispm_set *s, struct cv_aispm_tally *t,
    int (*keep)(const struct cv_aispm_dec *, const void *), const void *arg)
{
	size_t	 i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < s->ndec; i++)
		if (keep == NULL || keep(&s->dec[i], arg))
			cv_aispm_tally_add(t, &s->dec[i]);
}

const char *
aispm_set_confidence(const struct aispm_set *s)
{
	struct cv_aispm_tally	 t;

	tally(s, &t, NULL, NULL);
	return cv_aispm_confidence(&t);
}

/* The agent of a decision or session as the builders group them. */
#define AGENT(x)	dflt((x)->agent_id, "unknown-agent")
#define REPO(x)		dflt((x)->repository, "local")
#define PACK(x)		dflt((x)->policy_pack, BASELINE)

/* Keeps the later of two time stamps (string order); "" and NULL are
 * none. */
static const char *
later(const char *cur, const char *t)
{
	if (t == NULL || *t == '\0')
		return cur;
	return cur == NULL || strcmp(t, cur) > 0 ? t : cur;
}

/* Every agent id of the set's decisions and sessions, sorted. */
static void
agent_ids(const struct aispm_set *s, struct strs *out)
{
	size_t	 i;

	memset(out, 0, sizeof(*out));
	out->a = s->a;
	for (i = 0; i < s->ndec; i++)
		strs_add(out, AGENT(&s->dec[i]));
	for (i = 0; i < s->nsess; i++)
		strs_add(out, AGENT(&s->sess[i]));
	strs_sort(out);
}

static int
of_agent(const struct cv_aispm_dec *d, const void *agent)
{
	return strcmp(AGENT(d), agent) == 0;
}

static int
is_finding(const struct cv_aispm_dec *d)
{
	return cv_aispm_is_finding(d->outcome, d->sev);
}

/*
 * Overview: posture score and level, counts, latest activity, evidence
 * confidence.  The penalty is every decision's weight plus every
 * finding's severity weight.
 */
struct json_object *
aispm_overview(const struct aispm_set *s)
{
	struct json_object	*o;
	struct cv_aispm_tally	 t;
	const char		*latest = NULL;
	int64_t			 penalty = 0;
	size_t			 i, nfind = 0;
	int			 score, w;

	tally(s, &t, NULL, NULL);
	for (i = 0; i < s->ndec; i++) {
		penalty += cv_aispm_outcome_weight(s->dec[i].outcome);
		if (is_finding(&s->dec[i])) {
			nfind++;
			if ((w = cv_aispm_severity_weight(s->dec[i].sev)) > 0)
				penalty += w;
		}
		latest = later(latest, s->dec[i].timestamp);
	}
	for (i = 0; i < s->nsess; i++)
		latest = later(latest, s->sess[i].updated_at);
	score = cv_aispm_posture_score(penalty);
	o = json_object_new_object();
	cv_json_add_int(o, "posture_score", score);
	cv_json_add_str(o, "risk_level", cv_aispm_risk_level(score));
	cv_json_add_int(o, "total_sessions", (int64_t)s->nsess);
	cv_json_add_int(o, "total_decisions", (int64_t)s->ndec);
	cv_json_add_int(o, "blocked_actions", (int64_t)t.out[CV_OUT_BLOCK]);
	cv_json_add_int(o, "approval_required_actions",
	    (int64_t)t.out[CV_OUT_APPROVAL]);
	cv_json_add_int(o, "warned_actions", (int64_t)t.out[CV_OUT_WARN]);
	cv_json_add_int(o, "risk_findings", (int64_t)nfind);
	cv_json_add_int(o, "critical_findings",
	    (int64_t)t.sev[CV_SEV_CRITICAL]);
	cv_json_add_int(o, "high_findings", (int64_t)t.sev[CV_SEV_HIGH]);
	cv_json_add_str(o, "latest_activity_at", latest);
	cv_json_add_str(o, "evidence_confidence", cv_aispm_confidence(&t));
	return o;
}

/*
 * Agents: one item per agent id of decisions and sessions, sorted by id,
 * with its repositories, counts and last activity.
 */
struct json_object *
aispm_agents(const struct aispm_set *s)
{
	struct json_object	*out, *o;
	struct cv_aispm_tally	 t;
	struct strs		 ids, repos;
	const char		*last;
	size_t			 i, j, nsess;

	agent_ids(s, &ids);
	out = json_object_new_array();
	for (i = 0; i < ids.n; i++) {
		memset(&repos, 0, sizeof(repos));
		repos.a = s->a;
		last = NULL;
		nsess = 0;
		tally(s, &t, of_agent, ids.v[i]);
		for (j = 0; j < s->ndec; j++)
			if (of_agent(&s->dec[j], ids.v[i])) {
				strs_add(&repos, REPO(&s->dec[j]));
				last = later(last, s->dec[j].timestamp);
			}
		for (j = 0; j < s->nsess; j++)
			if (strcmp(AGENT(&s->sess[j]), ids.v[i]) == 0) {
				strs_add(&repos, REPO(&s->sess[j]));
				last = later(last, s->sess[j].updated_at);
				nsess++;
			}
		o = json_object_new_object();
		cv_json_add_str(o, "agent_id", ids.v[i]);
		cv_json_add_int(o, "repository_count", (int64_t)repos.n);
		cv_json_add_int(o, "session_count", (int64_t)nsess);
		cv_json_add_int(o, "decision_count", (int64_t)t.n);
		cv_json_add_int(o, "blocked_actions",
		    (int64_t)t.out[CV_OUT_BLOCK]);
		cv_json_add_int(o, "approval_required_actions",
		    (int64_t)t.out[CV_OUT_APPROVAL]);
		cv_json_add_int(o, "warned_actions",
		    (int64_t)t.out[CV_OUT_WARN]);
		cv_json_add_str(o, "last_seen_at", last);
		cv_json_add_str(o, "coverage_status", "observed");
		cv_json_add_str(o, "drift_status", t.out[CV_OUT_BLOCK] > 0 ||
		    t.out[CV_OUT_APPROVAL] > 0 ? "review_required" :
		    "baseline");
		json_object_array_add(out, o);
	}
	return out;
}

/* The reason of d as it may be shown, or dflt. */
static const char *
safe_reason(const struct aispm_set *s, const struct cv_aispm_dec *d,
    const char *dfl)
{
	if (d->reason == NULL || *d->reason == '\0')
		return dfl;
	return cv_aispm_redact_text(s->a, d->reason, d->target, &d->tgt);
}

/*
 * Findings: decisions that blocked, needed approval or warned, or were
 * critical or high; newest first.
 */
struct json_object *
aispm_findings(const struct aispm_set *s)
{
	struct sitem		*v;
	struct json_object	*o;
	const struct cv_aispm_dec *d;
	size_t			 i, n = 0;

	v = cv_arena_alloc(s->a, (s->ndec + 1) * sizeof(*v));
	for (i = 0; i < s->ndec; i++) {
		d = &s->dec[i];
		if (!is_finding(d))
			continue;
		o = json_object_new_object();
		cv_json_add_str(o, "finding_id", cv_arena_printf(s->a,
		    "finding-%s", dflt(d->decision_id, "unknown")));
		cv_json_add_str(o, "decision_id", d->decision_id);
		cv_json_add_str(o, "session_id", d->session_id);
		cv_json_add_str(o, "agent_id", AGENT(d));
		cv_json_add_str(o, "repository", REPO(d));
		cv_json_add_str(o, "severity", dflt(d->severity, "low"));
		cv_json_add_str(o, "risk_classification",
		    cv_aispm_risk_name(d->risk));
		cv_json_add_str(o, "decision", dflt(d->decision, ""));
		cv_json_add_str(o, "rule_id", d->rule_id);
		cv_json_add_str(o, "reason", safe_reason(s, d,
		    "CAVRA policy decision requires operator review."));
		json_object_object_add(o, "evidence_refs", jstrv(d->refs,
		    d->nrefs, 0));
		cv_json_add_str(o, "timestamp", d->timestamp);
		v[n].o = o;
		v[n++].s1 = ts(d->timestamp);
	}
	sitems_sort(v, n, SORT_S1_DESC);
	return sitems_array(v, n, 0);
}

/*
 * Timeline: an event per session (its latest time) and per decision
 * (target summarised), newest first; sessions first among equals.
 */
struct json_object *
aispm_timeline(const struct aispm_set *s)
{
	struct sitem		*v;
	struct json_object	*o;
	const struct cv_aispm_dec *d;
	const struct cv_aispm_sess *ss;
	const char		*when;
	size_t			 i, n = 0;

	v = cv_arena_alloc(s->a, (s->ndec + s->nsess + 1) * sizeof(*v));
	for (i = 0; i < s->nsess; i++) {
		ss = &s->sess[i];
		when = ss->updated_at != NULL && *ss->updated_at != '\0' ?
		    ss->updated_at : ss->started_at;
		o = json_object_new_object();
		cv_json_add_str(o, "event_id", cv_arena_printf(s->a,
		    "session-%s", dflt(ss->session_id, "None")));
		cv_json_add_str(o, "event_type", "session");
		cv_json_add_str(o, "session_id", ss->session_id);
		cv_json_add_str(o, "agent_id", ss->agent_id);
		cv_json_add_str(o, "repository", ss->repository);
		cv_json_add_str(o, "title", cv_arena_printf(s->a, "Session %s",
		    dflt(ss->state, "active")));
		cv_json_add_str(o, "outcome", ss->state);
		cv_json_add_str(o, "timestamp", when);
		json_object_object_add(o, "evidence_refs", jstrv(ss->refs,
		    ss->nrefs, 0));
		v[n].o = o;
		v[n++].s1 = ts(when);
	}
	for (i = 0; i < s->ndec; i++) {
		d = &s->dec[i];
		o = json_object_new_object();
		cv_json_add_str(o, "event_id", cv_arena_printf(s->a,
		    "decision-%s", dflt(d->decision_id, "None")));
		cv_json_add_str(o, "event_type", "policy_decision");
		cv_json_add_str(o, "decision_id", d->decision_id);
		cv_json_add_str(o, "session_id", d->session_id);
		cv_json_add_str(o, "agent_id", d->agent_id);
		cv_json_add_str(o, "repository", d->repository);
		cv_json_add_str(o, "title", cv_arena_printf(s->a, "%s %s",
		    dflt(d->decision, "None"), dflt(d->action_type, "None")));
		cv_json_add_str(o, "outcome", d->decision);
		cv_json_add_str(o, "severity", d->severity);
		cv_json_add_str(o, "target", d->target == NULL ? NULL :
		    *d->target == '\0' ? "" : d->tgt.summary);
		cv_json_add_bool(o, "target_redacted", d->tgt.redacted);
		cv_json_add_str(o, "timestamp", d->timestamp);
		json_object_object_add(o, "evidence_refs", jstrv(d->refs,
		    d->nrefs, 0));
		v[n].o = o;
		v[n++].s1 = ts(d->timestamp);
	}
	sitems_sort(v, n, SORT_S1_DESC);
	return sitems_array(v, n, 0);
}

static int
of_surface(const struct cv_aispm_dec *d, const void *surf)
{
	return d->surface == *(const enum cv_aispm_surface *)surf;
}

/*
 * Control coverage: the six surfaces in catalogue order, each with the
 * coverage of its decisions and their first eight references.
 */
struct json_object *
aispm_coverage(const struct aispm_set *s)
{
	struct json_object	*out, *o, *refs;
	struct cv_aispm_tally	 t;
	enum cv_aispm_surface	 k;
	size_t			 i, j;

	out = json_object_new_array();
	for (k = 0; k < CV_SURF__MAX; k++) {
		tally(s, &t, of_surface, &k);
		refs = json_object_new_array();
		for (i = 0; i < s->ndec; i++)
			for (j = 0; s->dec[i].surface == k &&
			    j < s->dec[i].nrefs; j++)
				if (json_object_array_length(refs) <
				    AISPM_REFS_MAX)
					json_object_array_add(refs,
					    json_object_new_string(
					    s->dec[i].refs[j]));
		o = json_object_new_object();
		cv_json_add_str(o, "surface_id", cv_aispm_surfaces[k].id);
		cv_json_add_str(o, "label", cv_aispm_surfaces[k].label);
		cv_json_add_str(o, "description",
		    cv_aispm_surfaces[k].description);
		cv_json_add_str(o, "coverage_status",
		    cv_aispm_coverage_name(cv_aispm_coverage(&t)));
		cv_json_add_int(o, "decision_count", (int64_t)t.n);
		cv_json_add_int(o, "blocked_actions",
		    (int64_t)t.out[CV_OUT_BLOCK]);
		cv_json_add_int(o, "approval_required_actions",
		    (int64_t)t.out[CV_OUT_APPROVAL]);
		cv_json_add_int(o, "warned_actions",
		    (int64_t)t.out[CV_OUT_WARN]);
		cv_json_add_str(o, "evidence_confidence",
		    cv_aispm_confidence(&t));
		json_object_object_add(o, "evidence_refs", refs);
		json_object_array_add(out, o);
	}
	return out;
}

/*
 * Near misses: decisions allowed with a warning, an approval or an
 * attestation, or critical/high ones that were not blocked; newest
 * first.
 */
struct json_object *
aispm_near_misses(const struct aispm_set *s)
{
	struct sitem		*v;
	struct json_object	*o;
	const struct cv_aispm_dec *d;
	const char		*signal;
	size_t			 i, n = 0;

	v = cv_arena_alloc(s->a, (s->ndec + 1) * sizeof(*v));
	for (i = 0; i < s->ndec; i++) {
		d = &s->dec[i];
		if (!cv_aispm_is_near_miss(d->outcome, d->sev))
			continue;
		switch (d->outcome) {
		case CV_OUT_APPROVAL:
			signal = "approval_prevented_unreviewed_execution";
			break;
		case CV_OUT_WARN:
			signal = "warning_allowed_with_operator_visibility";
			break;
		case CV_OUT_ATTEST:
			signal = "allowed_with_evidence_attestation";
			break;
		default:
			signal = "review_recommended";
			break;
		}
		o = json_object_new_object();
		cv_json_add_str(o, "near_miss_id", cv_arena_printf(s->a,
		    "near-miss-%s", dflt(d->decision_id, "unknown")));
		cv_json_add_str(o, "decision_id", d->decision_id);
		cv_json_add_str(o, "session_id", d->session_id);
		cv_json_add_str(o, "agent_id", AGENT(d));
		cv_json_add_str(o, "repository", REPO(d));
		cv_json_add_str(o, "surface_id",
		    cv_aispm_surfaces[d->surface].id);
		cv_json_add_str(o, "severity", dflt(d->severity, "low"));
		cv_json_add_str(o, "decision", dflt(d->decision, ""));
		cv_json_add_str(o, "risk_classification",
		    cv_aispm_risk_name(d->risk));
		cv_json_add_str(o, "reason", safe_reason(s, d, "CAVRA allowed "
		    "the action with warning, approval, or attestation."));
		cv_json_add_str(o, "operator_signal", signal);
		json_object_object_add(o, "evidence_refs", jstrv(d->refs,
		    d->nrefs, 0));
		cv_json_add_str(o, "timestamp", d->timestamp);
		v[n].o = o;
		v[n++].s1 = ts(d->timestamp);
	}
	sitems_sort(v, n, SORT_S1_DESC);
	return sitems_array(v, n, 0);
}

/* What one agent did, gathered for fingerprints and blast radius. */
struct agent_view {
	const char		*agent;
	struct cv_aispm_tally	 t;
	size_t			 nsess;
	struct strs		 repos;		/* non-empty, sorted */
	struct strs		 packs;		/* sorted */
	struct strs		 surfaces;	/* ids, sorted */
	struct strs		 refs;		/* first seen order */
	struct counter		 actions;
	struct counter		 outcomes;
	const char		*last;
	int			 has[CV_SURF__MAX];
};

static void
agent_view(const struct aispm_set *s, const char *agent,
    struct agent_view *av)
{
	const struct cv_aispm_dec *d;
	size_t			 i;

	memset(av, 0, sizeof(*av));
	av->agent = agent;
	av->repos.a = av->packs.a = av->surfaces.a = av->refs.a = s->a;
	av->actions.names.a = av->outcomes.names.a = s->a;
	for (i = 0; i < s->ndec; i++) {
		d = &s->dec[i];
		if (!of_agent(d, agent))
			continue;
		cv_aispm_tally_add(&av->t, d);
		if (d->repository != NULL && *d->repository != '\0')
			strs_add(&av->repos, d->repository);
		strs_add(&av->packs, PACK(d));
		strs_add(&av->surfaces, cv_aispm_surfaces[d->surface].id);
		av->has[d->surface] = 1;
		strs_refs(&av->refs, d->refs, d->nrefs);
		counter_add(&av->actions, dflt(d->action_type, "unknown"));
		counter_add(&av->outcomes, dflt(d->decision, "unknown"));
		av->last = later(av->last, d->timestamp);
	}
	for (i = 0; i < s->nsess; i++) {
		if (strcmp(AGENT(&s->sess[i]), agent) != 0)
			continue;
		av->nsess++;
		if (s->sess[i].repository != NULL &&
		    *s->sess[i].repository != '\0')
			strs_add(&av->repos, s->sess[i].repository);
		av->last = later(av->last, s->sess[i].updated_at);
	}
	strs_sort(&av->repos);
	strs_sort(&av->packs);
	strs_sort(&av->surfaces);
}

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t
clamp100(int64_t v)
{
	return v < 0 ? 0 : v > 100 ? 100 : v;
}

/*
 * Behaviour fingerprints: per agent its profile, risk signals and a drift
 * score; highest score first, then by agent id.
 */
struct json_object *
aispm_fingerprints(const struct aispm_set *s, struct json_object **summary)
{
	struct agent_view	 av;
	struct sitem		*v;
	struct json_object	*o, *sig;
	struct strs		 ids, sorted_refs;
	const char		*status;
	size_t			 i, n = 0, review = 0, unusual = 0, base = 0;
	int64_t			 score;

	agent_ids(s, &ids);
	v = cv_arena_alloc(s->a, (ids.n + 1) * sizeof(*v));
	for (i = 0; i < ids.n; i++) {
		agent_view(s, ids.v[i], &av);
		sig = json_object_new_array();
#define SIGNAL(cond, name)	do { if (cond) json_object_array_add(sig, \
				    json_object_new_string(name)); } while (0)
		SIGNAL(av.t.out[CV_OUT_BLOCK] > 0, "blocked_action");
		SIGNAL(av.t.out[CV_OUT_APPROVAL] > 0, "approval_gate");
		SIGNAL(av.t.out[CV_OUT_WARN] > 0, "warned_action");
		SIGNAL(av.t.sev[CV_SEV_CRITICAL] + av.t.sev[CV_SEV_HIGH] > 0,
		    "critical_or_high_decision");
		SIGNAL(av.has[CV_SURF_SENSITIVE], "sensitive_data_access");
		SIGNAL(av.has[CV_SURF_INFRA], "infrastructure_change");
		SIGNAL(av.has[CV_SURF_MCP], "mcp_or_tool_activity");
		SIGNAL(av.repos.n > 1, "multi_repository_activity");
		SIGNAL(av.packs.n > 1, "multiple_policy_packs");
		SIGNAL(av.actions.names.n > 2, "broad_action_profile");
		SIGNAL(av.t.n > 0 && av.t.refs == 0, "metadata_only_evidence");
#undef SIGNAL
		score = 20 * (int64_t)av.t.out[CV_OUT_BLOCK] +
		    14 * (int64_t)av.t.out[CV_OUT_APPROVAL] +
		    8 * (int64_t)av.t.out[CV_OUT_WARN] +
		    4 * (int64_t)av.t.out[CV_OUT_ATTEST] +
		    18 * (int64_t)av.t.sev[CV_SEV_CRITICAL] +
		    10 * (int64_t)av.t.sev[CV_SEV_HIGH] +
		    4 * (int64_t)av.t.sev[CV_SEV_MEDIUM];
		if (av.repos.n > 1)
			score += min64(12, ((int64_t)av.repos.n - 1) * 4);
		if (av.packs.n > 1)
			score += min64(10, ((int64_t)av.packs.n - 1) * 5);
		if (av.surfaces.n > 1)
			score += min64(12, ((int64_t)av.surfaces.n - 1) * 4);
		if (av.actions.names.n > 2)
			score += min64(10, ((int64_t)av.actions.names.n - 2) *
			    3);
		score = clamp100(score);
		if (av.t.out[CV_OUT_BLOCK] > 0 || av.t.out[CV_OUT_APPROVAL] >
		    0 || score >= 35) {
			status = "review_required";
			review++;
		} else if (json_object_array_length(sig) > 0 || score >= 12) {
			status = "unusual_behavior";
			unusual++;
		} else {
			status = "baseline";
			base++;
		}
		sorted_refs = av.refs;
		strs_sort(&sorted_refs);
		o = json_object_new_object();
		cv_json_add_str(o, "fingerprint_id", cv_arena_printf(s->a,
		    "fingerprint-%s", av.agent));
		cv_json_add_str(o, "agent_id", av.agent);
		json_object_object_add(o, "repositories", jstrv(av.repos.v,
		    av.repos.n, 0));
		cv_json_add_int(o, "session_count", (int64_t)av.nsess);
		cv_json_add_int(o, "decision_count", (int64_t)av.t.n);
		json_object_object_add(o, "action_profile",
		    counter_profile(&av.actions));
		json_object_object_add(o, "decision_profile",
		    counter_profile(&av.outcomes));
		json_object_object_add(o, "policy_packs", jstrv(av.packs.v,
		    av.packs.n, 0));
		json_object_object_add(o, "control_surfaces",
		    jstrv(av.surfaces.v, av.surfaces.n, 0));
		json_object_object_add(o, "risk_signals", sig);
		cv_json_add_str(o, "drift_status", status);
		cv_json_add_int(o, "drift_score", score);
		json_object_object_add(o, "evidence_refs",
		    jstrv(sorted_refs.v, sorted_refs.n, AISPM_REFS_MAX));
		cv_json_add_str(o, "last_seen_at", av.last);
		v[n].o = o;
		v[n].n1 = score;
		v[n++].s1 = av.agent;
	}
	sitems_sort(v, n, SORT_N1_DESC_S1_ASC);
	if (summary != NULL) {
		*summary = json_object_new_object();
		cv_json_add_int(*summary, "total_agents", (int64_t)n);
		cv_json_add_int(*summary, "review_required", (int64_t)review);
		cv_json_add_int(*summary, "unusual_behavior", (int64_t)unusual);
		cv_json_add_int(*summary, "baseline", (int64_t)base);
		cv_json_add_str(*summary, "evidence_confidence",
		    aispm_set_confidence(s));
	}
	return sitems_array(v, n, 0);
}

/* Context a decision should carry, by field, with the keys that hold
 * it. */
static const struct {
	const char		*field;
	const char *const	 keys[5];
} context_fields[] = {
	{ "environment_tier", { "environment_tier", "environment",
	    "deployment_environment", "env", NULL } },
	{ "system_criticality", { "system_criticality", "criticality",
	    "risk_tier", NULL } },
	{ "data_owner", { "data_owner", "owner", "service_owner", NULL } },
	{ "data_classification", { "data_classification", "classification",
	    "data_class", NULL } },
	{ "customer_region", { "customer_region", "region", "data_region",
	    NULL } },
	{ "service_owner", { "service_owner", "owner", "team", NULL } },
	{ "change_window", { "change_window", "maintenance_window",
	    "release_window", NULL } },
	{ "blast_radius", { "blast_radius", "impact_scope", "scope", NULL } },
	{ "tool_owner", { "tool_owner", "owner", "mcp_owner", NULL } },
	{ "tool_trust_tier", { "tool_trust_tier", "trust_tier",
	    "mcp_trust_tier", NULL } },
	{ "business_justification", { "business_justification",
	    "justification", "reason", NULL } },
	{ "repository_owner", { "repository_owner", "owner", "repo_owner",
	    NULL } },
	{ "branch_protection_tier", { "branch_protection_tier", "branch_tier",
	    "protection_tier", NULL } },
	{ "change_ticket", { "change_ticket", "ticket", "external_ref",
	    NULL } },
	{ "execution_environment", { "execution_environment",
	    "runtime_environment", "environment", NULL } },
	{ "approval_route", { "approval_route", "approver_group",
	    "approval_group", NULL } },
};

/* The context each surface requires besides the two every decision
 * does, and what an operator should attach. */
static const struct {
	const char	*fields[4];
	const char	*advice;
} surface_context[CV_SURF__MAX] = {
	[CV_SURF_SENSITIVE] = { { "data_owner", "data_classification",
	    "customer_region", NULL }, "Attach data-owner, classification, "
	    "and regional context before relying on the decision." },
	[CV_SURF_INFRA] = { { "service_owner", "change_window",
	    "blast_radius", NULL }, "Attach service owner, change window, and "
	    "blast-radius context before execution." },
	[CV_SURF_MCP] = { { "tool_owner", "tool_trust_tier",
	    "business_justification", NULL }, "Attach tool owner, trust tier, "
	    "and business justification before broad tool use." },
	[CV_SURF_SCM] = { { "repository_owner", "branch_protection_tier",
	    "change_ticket", NULL }, "Attach repository owner, branch "
	    "protection tier, and change ticket before source-control "
	    "mutation." },
	[CV_SURF_RUNTIME] = { { "service_owner", "execution_environment",
	    "change_ticket", NULL }, "Attach missing business context before "
	    "treating the decision as fully governed." },
	[CV_SURF_GENERAL] = { { "service_owner", "business_justification",
	    NULL }, "Attach missing business context before treating the "
	    "decision as fully governed." },
};

static int
context_present(struct cv_arena *a, const struct cv_aispm_dec *d,
    const char *field)
{
	size_t	 i;

	for (i = 0; i < nitems(context_fields); i++)
		if (strcmp(context_fields[i].field, field) == 0)
			return cv_aispm_lookup(a, d->rec,
			    context_fields[i].keys, 4) != NULL;
	return 0;
}

/* Critical or high, blocked or approval-gated: needs review whatever it
 * misses. */
static int
grave(const struct cv_aispm_dec *d)
{
	return d->sev == CV_SEV_CRITICAL || d->sev == CV_SEV_HIGH ||
	    d->outcome == CV_OUT_BLOCK || d->outcome == CV_OUT_APPROVAL;
}

/*
 * Policy context gaps: decisions missing business context their surface
 * needs; those that need review first, then oldest first.
 */
struct json_object *
aispm_context_gaps(const struct aispm_set *s, struct json_object **summary)
{
	struct sitem		*v;
	struct json_object	*o, *miss, *pres;
	const struct cv_aispm_dec *d;
	struct strs		 req, missing;
	size_t			 i, j, n = 0, total = 0, review = 0;
	int			 needs;

	v = cv_arena_alloc(s->a, (s->ndec + 1) * sizeof(*v));
	for (i = 0; i < s->ndec; i++) {
		d = &s->dec[i];
		memset(&req, 0, sizeof(req));
		memset(&missing, 0, sizeof(missing));
		req.a = missing.a = s->a;
		strs_add(&req, "environment_tier");
		strs_add(&req, "system_criticality");
		for (j = 0; surface_context[d->surface].fields[j] != NULL; j++)
			strs_add(&req, surface_context[d->surface].fields[j]);
		if (grave(d))
			strs_add(&req, "approval_route");
		miss = json_object_new_array();
		pres = json_object_new_array();
		for (j = 0; j < req.n; j++) {
			if (context_present(s->a, d, req.v[j]))
				json_object_array_add(pres,
				    json_object_new_string(req.v[j]));
			else {
				json_object_array_add(miss,
				    json_object_new_string(req.v[j]));
				strs_push(&missing, req.v[j]);
			}
		}
		if (missing.n == 0) {
			json_object_put(miss);
			json_object_put(pres);
			continue;
		}
		strs_push(&missing, NULL);
		needs = grave(d) || missing.n - 1 >= 3;
		total += missing.n - 1;
		review += needs;
		o = json_object_new_object();
		cv_json_add_str(o, "gap_id", cv_arena_printf(s->a,
		    "context-gap-%s", dflt(d->decision_id, "unknown")));
		cv_json_add_str(o, "decision_id", d->decision_id);
		cv_json_add_str(o, "session_id", d->session_id);
		cv_json_add_str(o, "agent_id", AGENT(d));
		cv_json_add_str(o, "repository", REPO(d));
		cv_json_add_str(o, "policy_pack", PACK(d));
		cv_json_add_str(o, "rule_id", dflt(d->rule_id,
		    "runtime.default"));
		cv_json_add_str(o, "action_type", dflt(d->action_type,
		    "unknown"));
		cv_json_add_str(o, "decision", dflt(d->decision, "unknown"));
		cv_json_add_str(o, "severity", dflt(d->severity, "low"));
		cv_json_add_str(o, "risk_classification",
		    cv_aispm_risk_name(d->risk));
		cv_json_add_str(o, "control_surface",
		    cv_aispm_surfaces[d->surface].id);
		json_object_object_add(o, "missing_context", miss);
		json_object_object_add(o, "present_context", pres);
		cv_json_add_str(o, "gap_status", needs ?
		    "requires_context_review" : "monitor");
		cv_json_add_str(o, "recommended_action", cv_arena_printf(s->a,
		    "%s Missing: %s.", surface_context[d->surface].advice,
		    cv_arena_join(s->a, missing.v)));
		json_object_object_add(o, "evidence_refs", jstrv(d->refs,
		    d->nrefs, 0));
		cv_json_add_str(o, "timestamp", d->timestamp);
		v[n].o = o;
		v[n].n1 = needs ? 0 : 1;
		v[n++].s1 = ts(d->timestamp);
	}
	sitems_sort(v, n, SORT_N1_S1_ASC);
	if (summary != NULL) {
		*summary = json_object_new_object();
		cv_json_add_int(*summary, "total_gaps", (int64_t)total);
		cv_json_add_int(*summary, "decisions_with_gaps", (int64_t)n);
		cv_json_add_int(*summary, "requires_context_review",
		    (int64_t)review);
		cv_json_add_int(*summary, "monitor", (int64_t)(n - review));
		cv_json_add_str(*summary, "evidence_confidence",
		    aispm_set_confidence(s));
	}
	return sitems_array(v, n, 0);
}

/* Forecast statuses, by priority. */
enum forecast {
	FC_MONITOR = 1,
	FC_WARN,
	FC_APPROVAL,
	FC_BLOCK,
};

static const struct {
	const char	*radius;
	const char	*impacts[4];
	const char	*control;
} surface_forecast[CV_SURF__MAX] = {
	[CV_SURF_SENSITIVE] = { "secret_scope", {
	    "credential_or_sensitive_data_exposure", "data_exfiltration",
	    "audit_scope_expansion", NULL }, "redact_sensitive_target" },
	[CV_SURF_INFRA] = { "production_infrastructure", {
	    "production_infrastructure_change", "configuration_drift",
	    "service_availability_impact", NULL },
	    "require_blast_radius_context" },
	[CV_SURF_MCP] = { "tooling_surface", { "untrusted_tool_write_access",
	    "workspace_mutation", "toolchain_expansion", NULL },
	    "verify_tool_trust_tier" },
	[CV_SURF_SCM] = { "source_control_scope", {
	    "protected_branch_mutation", "release_integrity_impact",
	    "review_bypass_risk", NULL }, "verify_branch_protection" },
	[CV_SURF_RUNTIME] = { "runtime_scope", { "local_runtime_mutation",
	    "dependency_or_script_execution", "workstation_state_change",
	    NULL }, "verify_execution_environment" },
	[CV_SURF_GENERAL] = { "local_policy_scope", {
	    "policy_visibility_gap", NULL }, NULL },
};

static const struct {
	const char	*name;
	const char	*controls[4];
} forecasts[] = {
	[FC_MONITOR] = { "monitor", { "record_decision", "capture_evidence",
	    NULL } },
	[FC_WARN] = { "warn_recommended", { "warn_operator",
	    "require_attestation", "monitor_follow_up", NULL } },
	[FC_APPROVAL] = { "approval_recommended", { "require_human_approval",
	    "verify_change_window", "attach_evidence", NULL } },
	[FC_BLOCK] = { "block_recommended", { "block_before_execution",
	    "require_operator_review", "capture_evidence", NULL } },
};

/*
 * Pre-action risk forecasts: one per decision, with what the action
 * would reach and the controls to put before it; most severe first,
 * newest first among equals.
 */
struct json_object *
aispm_forecasts(const struct aispm_set *s, struct json_object **summary)
{
	struct sitem		*v;
	struct json_object	*o, *ctl;
	const struct cv_aispm_dec *d;
	enum forecast		 f;
	size_t			 i, grave_n = 0, cnt[FC_BLOCK + 1];

	memset(cnt, 0, sizeof(cnt));
	v = cv_arena_alloc(s->a, (s->ndec + 1) * sizeof(*v));
	for (i = 0; i < s->ndec; i++) {
		d = &s->dec[i];
		if (d->outcome == CV_OUT_BLOCK || d->sev == CV_SEV_CRITICAL)
			f = FC_BLOCK;
		else if (d->outcome == CV_OUT_APPROVAL || d->sev == CV_SEV_HIGH)
			f = FC_APPROVAL;
		else if (d->outcome == CV_OUT_WARN || d->outcome ==
		    CV_OUT_ATTEST || d->sev == CV_SEV_MEDIUM)
			f = FC_WARN;
		else
			f = FC_MONITOR;
		cnt[f]++;
		if (d->sev == CV_SEV_CRITICAL || d->sev == CV_SEV_HIGH)
			grave_n++;
		ctl = json_object_new_array();
		for (const char *const *c = forecasts[f].controls; *c != NULL;
		    c++)
			json_object_array_add(ctl, json_object_new_string(*c));
		if (surface_forecast[d->surface].control != NULL &&
		    !cv_json_has_str(ctl, surface_forecast[d->surface].control))
			json_object_array_add(ctl, json_object_new_string(
			    surface_forecast[d->surface].control));
		o = json_object_new_object();
		cv_json_add_str(o, "forecast_id", cv_arena_printf(s->a,
		    "forecast-%s", dflt(d->decision_id, "unknown")));
		cv_json_add_str(o, "decision_id", d->decision_id);
		cv_json_add_str(o, "session_id", d->session_id);
		cv_json_add_str(o, "agent_id", AGENT(d));
		cv_json_add_str(o, "repository", REPO(d));
		cv_json_add_str(o, "policy_pack", PACK(d));
		cv_json_add_str(o, "rule_id", dflt(d->rule_id,
		    "runtime.default"));
		cv_json_add_str(o, "action_type", dflt(d->action_type,
		    "unknown"));
		cv_json_add_str(o, "target_summary", d->tgt.summary);
		cv_json_add_bool(o, "target_redacted", d->tgt.redacted);
		cv_json_add_str(o, "decision", dflt(d->decision, "unknown"));
		cv_json_add_str(o, "severity", dflt(d->severity, "low"));
		cv_json_add_str(o, "risk_classification",
		    cv_aispm_risk_name(d->risk));
		cv_json_add_str(o, "control_surface",
		    cv_aispm_surfaces[d->surface].id);
		cv_json_add_str(o, "forecast_status", forecasts[f].name);
		cv_json_add_str(o, "projected_blast_radius",
		    surface_forecast[d->surface].radius);
		add_strs(o, "likely_impacts",
		    surface_forecast[d->surface].impacts);
		json_object_object_add(o, "pre_action_controls", ctl);
		cv_json_add_str(o, "confidence", "metadata_forecast");
		json_object_object_add(o, "evidence_refs", jstrv(d->refs,
		    d->nrefs, 0));
		cv_json_add_str(o, "timestamp", d->timestamp);
		v[i].o = o;
		v[i].n1 = f;
		v[i].s1 = ts(d->timestamp);
	}
	sitems_sort(v, s->ndec, SORT_N1_S1_DESC);
	if (summary != NULL) {
		*summary = json_object_new_object();
		cv_json_add_int(*summary, "total_forecasts", (int64_t)s->ndec);
		cv_json_add_int(*summary, "critical_or_high_forecasts",
		    (int64_t)grave_n);
		cv_json_add_int(*summary, "approval_recommended",
		    (int64_t)cnt[FC_APPROVAL]);
		cv_json_add_int(*summary, "block_recommended",
		    (int64_t)cnt[FC_BLOCK]);
		cv_json_add_int(*summary, "warn_recommended",
		    (int64_t)cnt[FC_WARN]);
		cv_json_add_str(*summary, "evidence_confidence",
		    aispm_set_confidence(s));
	}
	return sitems_array(v, s->ndec, 0);
}

/* The drift signals with their weights, in the order they are given. */
enum drift_signal {
	DS_NO_INTENT,
	DS_SENSITIVE,
	DS_INFRA,
	DS_TOOL_WRITE,
	DS_SCM,
	DS_RUNTIME,
	DS_BLOCKED,
	DS_APPROVAL,
	DS_GRAVE,
	DS_ACTION,
	DS__MAX
};

static const struct {
	const char	*name;
	int		 weight;
} drift_signals[] = {
	{ "missing_declared_intent", 35 },		/* DS_NO_INTENT */
	{ "sensitive_target_not_declared", 35 },	/* DS_SENSITIVE */
	{ "infrastructure_action_not_declared", 24 },	/* DS_INFRA */
	{ "tool_write_not_declared", 20 },		/* DS_TOOL_WRITE */
	{ "source_control_action_not_declared", 20 },	/* DS_SCM */
	{ "runtime_execution_not_declared", 20 },	/* DS_RUNTIME */
	{ "blocked_after_declared_intent", 18 },	/* DS_BLOCKED */
	{ "approval_required_after_declared_intent", 10 },	/* DS_APPROVAL */
	{ "critical_or_high_intent_drift", 14 },	/* DS_GRAVE */
	{ "action_type_not_explicit_in_intent", 6 },	/* DS_ACTION */
};
_Static_assert(nitems(drift_signals) == DS__MAX, "drift_signals");

/* Whether lower-case intent i holds any of the words. */
#define INTENT_HAS(i, ...)	has_word((i), \
				    (const char *const[]){ __VA_ARGS__, NULL })

static int
has_word(const char *i, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strstr(i, *words) != NULL)
			return 1;
	return 0;
}

/* s lower-cased (ASCII), in the arena. */
static char *
lower(struct cv_arena *a, const char *s)
{
	char	*out, *p;

	out = cv_arena_strdup(a, s);
	for (p = out; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return out;
}

/*
 * Intent-to-action drift: what the agent said it would do against what
 * it asked for; highest score first, newest first among equals.
 */
struct json_object *
aispm_drift(const struct aispm_set *s, struct json_object **summary)
{
	struct sitem		*v;
	struct json_object	*o, *sig;
	const struct cv_aispm_dec *d;
	const char		*intent, *advice, *status, *target;
	char			*li, *la, *lt, *p;
	int			 on[DS__MAX], k;
	int64_t			 score;
	size_t			 i, cnt[4] = { 0, 0, 0, 0 };

	v = cv_arena_alloc(s->a, (s->ndec + 1) * sizeof(*v));
	for (i = 0; i < s->ndec; i++) {
		d = &s->dec[i];
		memset(on, 0, sizeof(on));
		intent = cv_aispm_intent(s->a, d);
		li = lower(s->a, dflt(intent, ""));
		la = lower(s->a, dflt(d->action_type, ""));
		target = d->target != NULL && *d->target != '\0' ? d->target :
		    dflt(d->requested_operation, "");
		lt = lower(s->a, target);
		on[DS_NO_INTENT] = intent == NULL;
		on[DS_SENSITIVE] = d->tgt.redacted && !INTENT_HAS(li, "secret",
		    "credential", "token", ".env", "sensitive");
		on[DS_INFRA] = d->surface == CV_SURF_INFRA && !INTENT_HAS(li,
		    "infrastructure", "terraform", "tofu", "deploy", "apply",
		    "cloud", "kubernetes", "change");
		on[DS_TOOL_WRITE] = d->surface == CV_SURF_MCP &&
		    strstr(lt, "write") != NULL && !INTENT_HAS(li, "write",
		    "modify", "update", "generate", "tool", "filesystem");
		on[DS_SCM] = d->surface == CV_SURF_SCM && !INTENT_HAS(li,
		    "git", "branch", "commit", "pull request", "pr");
		on[DS_RUNTIME] = d->surface == CV_SURF_RUNTIME &&
		    !INTENT_HAS(li, "run", "execute", "script", "command",
		    "install");
		on[DS_BLOCKED] = d->outcome == CV_OUT_BLOCK;
		on[DS_APPROVAL] = d->outcome == CV_OUT_APPROVAL;
		on[DS_GRAVE] = d->sev == CV_SEV_CRITICAL || d->sev ==
		    CV_SEV_HIGH;
		for (p = la; *p != '\0'; p++)
			if (*p == '_')
				*p = ' ';
		on[DS_ACTION] = intent != NULL && *la != '\0' &&
		    strstr(li, la) == NULL;
		sig = json_object_new_array();
		score = 0;
		for (k = 0; k < DS__MAX; k++)
			if (on[k]) {
				json_object_array_add(sig,
				    json_object_new_string(
				    drift_signals[k].name));
				score += drift_signals[k].weight;
			}
		if (d->sev == CV_SEV_CRITICAL)
			score += 8;
		else if (d->sev == CV_SEV_HIGH)
			score += 5;
		score = clamp100(score);
		if (intent == NULL) {
			status = "unknown_intent";
			cnt[2]++;
		} else if (score >= 70) {
			status = "high_drift";
			cnt[0]++;
		} else if (score >= 35) {
			status = "needs_review";
			cnt[1]++;
		} else {
			status = "aligned";
			cnt[3]++;
		}
		if (on[DS_NO_INTENT])
			advice = "Require the agent or workflow to attach "
			    "declared intent before evaluating the action.";
		else if (on[DS_SENSITIVE])
			advice = "Block or escalate until the declared intent "
			    "explicitly covers sensitive-data access.";
		else if (d->surface == CV_SURF_INFRA)
			advice = "Verify the requested change, blast radius, "
			    "approval route, and execution target before "
			    "allowing the action.";
		else if (d->surface == CV_SURF_MCP)
			advice = "Verify tool trust tier, write scope, and "
			    "declared workflow intent before allowing broad "
			    "tool use.";
		else if (d->surface == CV_SURF_SCM)
			advice = "Verify branch protection, review path, and "
			    "requested repository change before allowing "
			    "mutation.";
		else if (d->surface == CV_SURF_RUNTIME)
			advice = "Verify execution environment and command "
			    "purpose before allowing runtime execution.";
		else
			advice = "Compare declared intent with the observed "
			    "action and require attestation if the scope "
			    "changed.";
		o = json_object_new_object();
		cv_json_add_str(o, "drift_id", cv_arena_printf(s->a,
		    "intent-drift-%s", dflt(d->decision_id, "unknown")));
		cv_json_add_str(o, "decision_id", d->decision_id);
		cv_json_add_str(o, "session_id", d->session_id);
		cv_json_add_str(o, "agent_id", AGENT(d));
		cv_json_add_str(o, "repository", REPO(d));
		cv_json_add_str(o, "policy_pack", PACK(d));
		cv_json_add_str(o, "rule_id", dflt(d->rule_id,
		    "runtime.default"));
		cv_json_add_str(o, "declared_intent", intent != NULL ?
		    cv_aispm_redact_text(s->a, intent, d->target, &d->tgt) :
		    "intent not recorded");
		cv_json_add_str(o, "action_type", dflt(d->action_type,
		    "unknown"));
		cv_json_add_str(o, "target_summary", d->tgt.summary);
		cv_json_add_bool(o, "target_redacted", d->tgt.redacted);
		cv_json_add_str(o, "decision", dflt(d->decision, "unknown"));
		cv_json_add_str(o, "severity", dflt(d->severity, "low"));
		cv_json_add_str(o, "risk_classification",
		    cv_aispm_risk_name(d->risk));
		cv_json_add_str(o, "control_surface",
		    cv_aispm_surfaces[d->surface].id);
		cv_json_add_str(o, "drift_status", status);
		cv_json_add_int(o, "drift_score", score);
		json_object_object_add(o, "drift_signals", sig);
		cv_json_add_str(o, "recommended_action", advice);
		cv_json_add_str(o, "confidence", "metadata_intent_comparison");
		json_object_object_add(o, "evidence_refs", jstrv(d->refs,
		    d->nrefs, 0));
		cv_json_add_str(o, "timestamp", d->timestamp);
		v[i].o = o;
		v[i].n1 = score;
		v[i].s1 = ts(d->timestamp);
	}
	sitems_sort(v, s->ndec, SORT_N1_S1_DESC);
	if (summary != NULL) {
		*summary = json_object_new_object();
		cv_json_add_int(*summary, "total_items", (int64_t)s->ndec);
		cv_json_add_int(*summary, "high_drift", (int64_t)cnt[0]);
		cv_json_add_int(*summary, "needs_review", (int64_t)cnt[1]);
		cv_json_add_int(*summary, "unknown_intent", (int64_t)cnt[2]);
		cv_json_add_int(*summary, "aligned", (int64_t)cnt[3]);
		cv_json_add_str(*summary, "evidence_confidence",
		    aispm_set_confidence(s));
	}
	return sitems_array(v, s->ndec, 0);
}

/* Tool-chain risk bands and the score a node of each band carries. */
static const char *
band(int64_t score)
{
	if (score >= 70)
		return "critical";
	if (score >= 50)
		return "high";
	if (score >= 25)
		return "medium";
	return "low";
}

static int64_t
band_score(const char *b)
{
	if (strcmp(b, "critical") == 0)
		return 85;
	if (strcmp(b, "high") == 0)
		return 62;
	if (strcmp(b, "medium") == 0)
		return 38;
	if (strcmp(b, "low") == 0)
		return 12;
	return 5;	/* observed */
}

/* The risk of one decision's edges. */
static int64_t
edge_score(const struct cv_aispm_dec *d)
{
	static const int bonus[CV_SURF__MAX] = { 34, 24, 18, 14, 14, 0 };
	int64_t	 score;
	int	 w;

	score = (w = cv_aispm_severity_weight(d->sev)) >= 0 ? w : 3;
	score += d->decision == NULL ? 2 : cv_aispm_outcome_weight(d->outcome);
	score += bonus[d->surface];
	if (d->tgt.redacted)
		score += 10;
	if (d->outcome == CV_OUT_BLOCK)
		score += 8;
	return clamp100(score);
}

/* The graph being built: nodes by id (index json_object maps an id to
 * its position), hotspots by "agent::repository". */
struct graph {
	struct cv_arena		*a;
	struct json_object	*index;		/* id -> position */
	struct sitem		*nodes;
	size_t			 nnodes;
	struct json_object	*hindex;	/* key -> position */
	struct hotspot {
		const char		*agent;
		const char		*repo;
		const char		*key;
		size_t			 n;
		size_t			 out[CV_OUT__MAX];
		size_t			 surf[CV_SURF__MAX];
		int64_t			 score;
		struct strs		 refs;
	}			*hot;
	size_t			 nhot;
};

/* Adds a node, or merges it into the node with its id. */
static void
graph_node(struct graph *g, const char *id, const char *type,
    const char *label, const char *bnd, struct json_object *meta)
{
	struct json_object	*o, *pos;
	struct sitem		*it;
	int64_t			 sc;

	if (json_object_object_get_ex(g->index, id, &pos)) {
		it = &g->nodes[json_object_get_int64(pos)];
		json_object_object_add(it->o, "decision_count",
		    json_object_new_int64(json_object_get_int64(
		    json_object_object_get(it->o, "decision_count")) + 1));
		sc = json_object_get_int64(json_object_object_get(it->o,
		    "risk_score"));
		if (band_score(bnd) > sc)
			sc = band_score(bnd);
		cv_json_add_str(it->o, "risk_band", band(sc));
		json_object_object_add(it->o, "risk_score",
		    json_object_new_int64(sc));
		json_object_put(meta);
		return;
	}
	o = json_object_new_object();
	cv_json_add_str(o, "node_id", id);
	cv_json_add_str(o, "node_type", type);
	cv_json_add_str(o, "label", label);
	cv_json_add_str(o, "risk_band", bnd);
	cv_json_add_int(o, "risk_score", band_score(bnd));
	cv_json_add_int(o, "decision_count", 1);
	json_object_object_add(o, "metadata", meta);
	it = &g->nodes[g->nnodes];
	it->o = o;
	it->s1 = type;
	it->s2 = label;
	json_object_object_add(g->index, id,
	    json_object_new_int64((int64_t)g->nnodes++));
}

/* The hotspot of agent::repo, made on first use. */
static struct hotspot *
graph_hotspot(struct graph *g, const char *agent, const char *repo)
{
	struct json_object	*pos;
	struct hotspot		*h;
	const char		*key;

	key = cv_arena_printf(g->a, "%s::%s", agent, repo);
	if (json_object_object_get_ex(g->hindex, key, &pos))
		return &g->hot[json_object_get_int64(pos)];
	h = &g->hot[g->nhot];
	memset(h, 0, sizeof(*h));
	h->agent = agent;
	h->repo = repo;
	h->key = key;
	h->refs.a = g->a;
	json_object_object_add(g->hindex, key,
	    json_object_new_int64((int64_t)g->nhot++));
	return h;
}

/* The fields every edge of decision d carries. */
static void
edge_common(struct json_object *e, const struct cv_aispm_dec *d,
    int64_t score)
{
	cv_json_add_str(e, "decision_id", d->decision_id);
	cv_json_add_str(e, "session_id", d->session_id);
	cv_json_add_str(e, "agent_id", AGENT(d));
	cv_json_add_str(e, "repository", REPO(d));
	cv_json_add_str(e, "action_type", dflt(d->action_type, "unknown"));
	cv_json_add_str(e, "decision", dflt(d->decision, "unknown"));
	cv_json_add_str(e, "severity", dflt(d->severity, "low"));
	cv_json_add_str(e, "risk_classification", cv_aispm_risk_name(d->risk));
	cv_json_add_str(e, "control_surface", cv_aispm_surfaces[d->surface].id);
	cv_json_add_int(e, "risk_score", score);
	cv_json_add_str(e, "risk_band", band(score));
	json_object_object_add(e, "evidence_refs", jstrv(d->refs, d->nrefs,
	    0));
	cv_json_add_str(e, "timestamp", d->timestamp);
}

static struct json_object *
edge(const char *id, const char *src, const char *dst, const char *rel)
{
	struct json_object	*e;

	e = json_object_new_object();
	cv_json_add_str(e, "edge_id", id);
	cv_json_add_str(e, "source", src);
	cv_json_add_str(e, "target", dst);
	cv_json_add_str(e, "relationship", rel);
	return e;
}

/*
 * Tool-chain graph: per decision an agent, tool, target and policy node
 * (merged by id) and three edges; hotspots per agent and repository.
 * Nodes sort by (type, label), edges and hotspots by risk, largest
 * first.
 */
struct json_object *
aispm_tool_chain(const struct aispm_set *s, struct json_object **summary)
{
	struct graph		 g;
	struct sitem		*edges, *hs;
	struct json_object	*out, *m, *e, *o;
	const struct cv_aispm_dec *d;
	struct hotspot		*h;
	const char		*tool, *bnd, *did, *agent_n, *tool_n, *target_n;
	const char		*policy_n, *pfx;
	size_t			 i, k, ne = 0, high = 0, blocked = 0, best;
	size_t			 agents = 0, tools = 0, targets = 0;
	int64_t			 score;

	memset(&g, 0, sizeof(g));
	g.a = s->a;
	g.index = json_object_new_object();
	g.hindex = json_object_new_object();
	g.nodes = cv_arena_alloc(s->a, (4 * s->ndec + 1) * sizeof(*g.nodes));
	g.hot = cv_arena_alloc(s->a, (s->ndec + 1) * sizeof(*g.hot));
	edges = cv_arena_alloc(s->a, (3 * s->ndec + 1) * sizeof(*edges));
	for (i = 0; i < s->ndec; i++) {
		d = &s->dec[i];
		tool = cv_aispm_tool_label(s->a, d);
		score = edge_score(d);
		bnd = band(score);
		did = dflt(d->decision_id, "unknown");
		agent_n = cv_aispm_node_id(s->a, "agent", AGENT(d));
		tool_n = cv_aispm_node_id(s->a, "tool", tool);
		target_n = cv_aispm_node_id(s->a, "target", cv_arena_printf(
		    s->a, "%s:%s", cv_aispm_surfaces[d->surface].id,
		    d->tgt.summary));
		policy_n = cv_aispm_node_id(s->a, "policy", PACK(d));
		m = json_object_new_object();
		cv_json_add_str(m, "repository", REPO(d));
		graph_node(&g, agent_n, "agent", AGENT(d), "observed", m);
		m = json_object_new_object();
		cv_json_add_str(m, "control_surface",
		    cv_aispm_surfaces[d->surface].id);
		cv_json_add_str(m, "tool_capability",
		    cv_aispm_tool_capability(s->a, d));
		graph_node(&g, tool_n, "tool", tool, bnd, m);
		m = json_object_new_object();
		cv_json_add_str(m, "control_surface",
		    cv_aispm_surfaces[d->surface].id);
		cv_json_add_bool(m, "target_redacted", d->tgt.redacted);
		graph_node(&g, target_n, "target", d->tgt.summary, bnd, m);
		m = json_object_new_object();
		cv_json_add_str(m, "rule_id", dflt(d->rule_id,
		    "runtime.default"));
		graph_node(&g, policy_n, "policy", PACK(d), "observed", m);

		pfx = cv_arena_printf(s->a, "tool-edge-%s", did);
		e = edge(cv_arena_printf(s->a, "%s-agent-tool", pfx), agent_n,
		    tool_n, "invoked_tool");
		edge_common(e, d, score);
		edges[ne].o = e;
		edges[ne].n1 = score;
		edges[ne++].s1 = ts(d->timestamp);
		e = edge(cv_arena_printf(s->a, "%s-tool-target", pfx), tool_n,
		    target_n, "requested_target");
		cv_json_add_bool(e, "target_redacted", d->tgt.redacted);
		edge_common(e, d, score);
		edges[ne].o = e;
		edges[ne].n1 = score;
		edges[ne++].s1 = ts(d->timestamp);
		e = edge(cv_arena_printf(s->a, "%s-policy-decision", pfx),
		    policy_n, tool_n, "governed_tool");
		edge_common(e, d, score);
		edges[ne].o = e;
		edges[ne].n1 = score;
		edges[ne++].s1 = ts(d->timestamp);
		if (score >= 70)
			high += 3;
		if (d->outcome == CV_OUT_BLOCK)
			blocked += 3;

		h = graph_hotspot(&g, AGENT(d), REPO(d));
		h->n++;
		h->out[d->outcome]++;
		h->surf[d->surface]++;
		if (score > h->score)
			h->score = score;
		for (k = 0; k < d->nrefs; k++)
			strs_add(&h->refs, d->refs[k]);
	}
	hs = cv_arena_alloc(s->a, (g.nhot + 1) * sizeof(*hs));
	for (i = 0; i < g.nhot; i++) {
		h = &g.hot[i];
		for (best = 0, k = 1; k < CV_SURF__MAX; k++)
			if (h->surf[k] > h->surf[best])
				best = k;
		o = json_object_new_object();
		cv_json_add_str(o, "hotspot_id", cv_aispm_node_id(s->a,
		    "hotspot", h->key));
		cv_json_add_str(o, "agent_id", h->agent);
		cv_json_add_str(o, "repository", h->repo);
		cv_json_add_int(o, "decision_count", (int64_t)h->n);
		cv_json_add_int(o, "blocked_edges",
		    (int64_t)h->out[CV_OUT_BLOCK]);
		cv_json_add_int(o, "approval_required_edges",
		    (int64_t)h->out[CV_OUT_APPROVAL]);
		cv_json_add_int(o, "warned_edges",
		    (int64_t)h->out[CV_OUT_WARN]);
		cv_json_add_str(o, "dominant_surface",
		    cv_aispm_surfaces[best].id);
		cv_json_add_int(o, "risk_score", h->score);
		cv_json_add_str(o, "risk_band", band(h->score));
		json_object_object_add(o, "evidence_refs", jstrv(h->refs.v,
		    h->refs.n, AISPM_REFS_MAX));
		hs[i].o = o;
		hs[i].n1 = h->score;
		hs[i].n2 = (int64_t)h->n;
	}
	for (i = 0; i < g.nnodes; i++) {
		if (strcmp(g.nodes[i].s1, "agent") == 0)
			agents++;
		else if (strcmp(g.nodes[i].s1, "tool") == 0)
			tools++;
		else if (strcmp(g.nodes[i].s1, "target") == 0)
			targets++;
	}
	sitems_sort(g.nodes, g.nnodes, SORT_S1_S2_ASC);
	sitems_sort(edges, ne, SORT_N1_S1_DESC);
	sitems_sort(hs, g.nhot, SORT_N1_N2_DESC);
	if (summary != NULL) {
		*summary = json_object_new_object();
		cv_json_add_int(*summary, "node_count", (int64_t)g.nnodes);
		cv_json_add_int(*summary, "edge_count", (int64_t)ne);
		cv_json_add_int(*summary, "agent_nodes", (int64_t)agents);
		cv_json_add_int(*summary, "tool_nodes", (int64_t)tools);
		cv_json_add_int(*summary, "target_nodes", (int64_t)targets);
		cv_json_add_int(*summary, "high_risk_edges", (int64_t)high);
		cv_json_add_int(*summary, "blocked_edges", (int64_t)blocked);
		cv_json_add_str(*summary, "evidence_confidence",
		    aispm_set_confidence(s));
	}
	out = json_object_new_object();
	json_object_object_add(out, "nodes", sitems_array(g.nodes, g.nnodes,
	    0));
	json_object_object_add(out, "edges", sitems_array(edges, ne, 0));
	json_object_object_add(out, "hotspots", sitems_array(hs, g.nhot, 0));
	json_object_put(g.index);
	json_object_put(g.hindex);
	return out;
}

/* The class of target d reaches, for the blast radius. */
static const char *
target_class(struct cv_arena *a, const struct cv_aispm_dec *d)
{
	static const char *const classes[CV_SURF__MAX] = {
		"sensitive_data:nonredacted_metadata",
		"production_infrastructure", "tooling_surface",
		"source_control_scope", "runtime_scope", NULL
	};

	if (d->tgt.redacted)
		return cv_arena_printf(a, "%s:redacted",
		    cv_aispm_surfaces[d->surface].id);
	if (classes[d->surface] != NULL)
		return classes[d->surface];
	return strcmp(d->tgt.summary, CV_AISPM_NO_TARGET) != 0 ?
	    d->tgt.summary : "local_policy_scope";
}

/*
 * Agent blast radius: per agent what it reached (repositories, surfaces,
 * tools, target classes, approval paths) scored and banded; largest
 * first.
 */
struct json_object *
aispm_blast_radius(const struct aispm_set *s, struct json_object **summary)
{
	struct agent_view	 av;
	struct sitem		*v;
	struct json_object	*o, *risks, *ctl;
	struct strs		 ids, tools, classes, paths, all_repos, all_paths;
	const struct cv_aispm_dec *d;
	const char		*lvl;
	size_t			 i, j, sens, infra, lv[4] = { 0, 0, 0, 0 };
	int64_t			 score;

	agent_ids(s, &ids);
	memset(&all_repos, 0, sizeof(all_repos));
	memset(&all_paths, 0, sizeof(all_paths));
	all_repos.a = all_paths.a = s->a;
	v = cv_arena_alloc(s->a, (ids.n + 1) * sizeof(*v));
	for (i = 0; i < ids.n; i++) {
		agent_view(s, ids.v[i], &av);
		memset(&tools, 0, sizeof(tools));
		memset(&classes, 0, sizeof(classes));
		memset(&paths, 0, sizeof(paths));
		tools.a = classes.a = paths.a = s->a;
		sens = infra = 0;
		for (j = 0; j < s->ndec; j++) {
			d = &s->dec[j];
			if (!of_agent(d, av.agent))
				continue;
			strs_add(&tools, cv_aispm_tool_label(s->a, d));
			strs_add(&classes, target_class(s->a, d));
			strs_add(&paths, cv_aispm_approval_path(s->a, d));
			sens += d->surface == CV_SURF_SENSITIVE;
			infra += d->surface == CV_SURF_INFRA;
		}
		strs_sort(&tools);
		strs_sort(&classes);
		strs_sort(&paths);
		score = 5;
		score += min64(16, (av.repos.n > 1 ? (int64_t)av.repos.n - 1 :
		    0) * 6);
		score += min64(14, (av.surfaces.n > 1 ?
		    (int64_t)av.surfaces.n - 1 : 0) * 5);
		score += min64(10, (tools.n > 1 ? (int64_t)tools.n - 1 : 0) *
		    3);
		score += 18 * (int64_t)av.t.out[CV_OUT_BLOCK] +
		    12 * (int64_t)av.t.out[CV_OUT_APPROVAL] +
		    5 * (int64_t)av.t.out[CV_OUT_WARN];
		score += min64(20, 16 * (int64_t)sens);
		score += min64(18, 12 * (int64_t)infra);
		if (paths.n == 0 && (sens > 0 || infra > 0 ||
		    av.t.out[CV_OUT_APPROVAL] > 0))
			score += 8;
		score = clamp100(score);
		if (score >= 75)
			lvl = "critical", lv[0]++;
		else if (score >= 55)
			lvl = "high", lv[1]++;
		else if (score >= 30)
			lvl = "medium", lv[2]++;
		else
			lvl = "low", lv[3]++;
		risks = json_object_new_array();
		ctl = json_object_new_array();
#define PUSH(a, cond, name)	do { if (cond) json_object_array_add((a), \
				    json_object_new_string(name)); } while (0)
		PUSH(risks, sens > 0, "sensitive_data_reach");
		PUSH(risks, infra > 0, "production_infrastructure_reach");
		PUSH(risks, av.t.out[CV_OUT_BLOCK] > 0,
		    "blocked_action_history");
		PUSH(risks, av.t.out[CV_OUT_APPROVAL] > 0,
		    "approval_gated_actions");
		PUSH(risks, av.repos.n > 1, "multi_repository_scope");
		PUSH(risks, av.has[CV_SURF_MCP], "tooling_surface_reach");
		PUSH(risks, av.has[CV_SURF_SCM], "source_control_scope");
		PUSH(risks, json_object_array_length(risks) == 0,
		    "local_policy_scope");
		PUSH(ctl, 1, "capture_signed_evidence");
		PUSH(ctl, 1, "review_agent_scope");
		PUSH(ctl, av.t.out[CV_OUT_BLOCK] > 0,
		    "keep_block_enforcement_enabled");
		PUSH(ctl, av.t.out[CV_OUT_APPROVAL] > 0 || paths.n == 0,
		    "bind_explicit_approval_route");
		PUSH(ctl, av.has[CV_SURF_SENSITIVE],
		    "redact_sensitive_targets");
		PUSH(ctl, av.has[CV_SURF_INFRA],
		    "require_blast_radius_context");
		PUSH(ctl, av.has[CV_SURF_MCP], "verify_tool_trust_tier");
		PUSH(ctl, av.repos.n > 1, "limit_repository_scope");
#undef PUSH
		for (j = 0; j < av.repos.n; j++)
			strs_add(&all_repos, av.repos.v[j]);
		for (j = 0; j < paths.n; j++)
			strs_add(&all_paths, paths.v[j]);
		o = json_object_new_object();
		cv_json_add_str(o, "agent_id", av.agent);
		cv_json_add_str(o, "blast_radius_level", lvl);
		cv_json_add_int(o, "blast_radius_score", score);
		cv_json_add_int(o, "repository_count", (int64_t)av.repos.n);
		json_object_object_add(o, "repositories", jstrv(av.repos.v,
		    av.repos.n, 0));
		json_object_object_add(o, "control_surfaces",
		    jstrv(av.surfaces.v, av.surfaces.n, 0));
		json_object_object_add(o, "policy_packs", jstrv(av.packs.v,
		    av.packs.n, 0));
		json_object_object_add(o, "tool_labels", jstrv(tools.v,
		    tools.n, 0));
		json_object_object_add(o, "target_classes", jstrv(classes.v,
		    classes.n, 0));
		cv_json_add_int(o, "sensitive_target_count", (int64_t)sens);
		cv_json_add_int(o, "production_infrastructure_count",
		    (int64_t)infra);
		json_object_object_add(o, "approval_paths", jstrv(paths.v,
		    paths.n, 0));
		cv_json_add_int(o, "decision_count", (int64_t)av.t.n);
		cv_json_add_int(o, "session_count", (int64_t)av.nsess);
		cv_json_add_int(o, "blocked_actions",
		    (int64_t)av.t.out[CV_OUT_BLOCK]);
		cv_json_add_int(o, "approval_required_actions",
		    (int64_t)av.t.out[CV_OUT_APPROVAL]);
		cv_json_add_int(o, "warned_actions",
		    (int64_t)av.t.out[CV_OUT_WARN]);
		json_object_object_add(o, "top_risks", risks);
		json_object_object_add(o, "recommended_controls", ctl);
		json_object_object_add(o, "evidence_refs", jstrv(av.refs.v,
		    av.refs.n, AISPM_REFS_MAX));
		cv_json_add_str(o, "last_seen_at", av.last);
		v[i].o = o;
		v[i].n1 = score;
		v[i].n2 = (int64_t)av.t.n;
	}
	sitems_sort(v, ids.n, SORT_N1_N2_DESC);
	if (summary != NULL) {
		*summary = json_object_new_object();
		cv_json_add_int(*summary, "total_agents", (int64_t)ids.n);
		cv_json_add_int(*summary, "critical_agents", (int64_t)lv[0]);
		cv_json_add_int(*summary, "high_agents", (int64_t)lv[1]);
		cv_json_add_int(*summary, "medium_agents", (int64_t)lv[2]);
		cv_json_add_int(*summary, "low_agents", (int64_t)lv[3]);
		cv_json_add_int(*summary, "affected_repositories",
		    (int64_t)all_repos.n);
		cv_json_add_int(*summary, "approval_paths",
		    (int64_t)all_paths.n);
		cv_json_add_str(*summary, "evidence_confidence",
		    aispm_set_confidence(s));
	}
	return sitems_array(v, ids.n, 0);
}

/* What an operator should do about a heatmap cell of surface id in
 * status c. */
static const char *
cell_advice(struct cv_arena *a, const char *id, enum cv_aispm_coverage c)
{
	char	*sp, *p;

	sp = cv_arena_strdup(a, id);
	for (p = sp; *p != '\0'; p++)
		if (*p == '_')
			*p = ' ';
	switch (c) {
	case CV_COV_NONE:
		return cv_arena_printf(a, "Add CAVRA policy coverage or test "
		    "evidence for %s before relying on this agent/repository "
		    "path.", sp);
	case CV_COV_WARNING:
		return cv_arena_printf(a, "Move %s from warning-only "
		    "visibility to block, approval, or attestation controls "
		    "where risk justifies it.", sp);
	case CV_COV_OBSERVED:
		return cv_arena_printf(a, "Confirm %s has explicit "
		    "enforcement, approval, or attestation intent for this "
		    "agent/repository path.", sp);
	case CV_COV_ATTESTED:
		return cv_arena_printf(a, "Keep signed evidence for %s and "
		    "review whether higher-risk actions need approval gates.",
		    sp);
	case CV_COV_APPROVAL:
		return cv_arena_printf(a, "Validate approval routing and "
		    "evidence freshness for %s.", sp);
	default:
		return cv_arena_printf(a, "Keep block enforcement and "
		    "evidence capture active for %s.", sp);
	}
}

/* A heatmap row key: (agent, repository). */
struct row_key {
	const char	*agent;
	const char	*repo;
};

static int
row_cmp(const void *va, const void *vb)
{
	const struct row_key	*a = va, *b = vb;
	int			 c;

	if ((c = strcmp(a->agent, b->agent)) != 0)
		return c;
	return strcmp(a->repo, b->repo);
}

static void
row_add(struct row_key *rows, size_t *n, const char *agent, const char *repo)
{
	size_t	 i;

	for (i = 0; i < *n; i++)
		if (strcmp(rows[i].agent, agent) == 0 &&
		    strcmp(rows[i].repo, repo) == 0)
			return;
	rows[*n].agent = agent;
	rows[(*n)++].repo = repo;
}

/*
 * Control coverage heatmap: a row per (agent, repository) seen in
 * decisions or sessions, six cells each (the catalogue), the mean heat
 * and the first eight gaps.
 */
struct json_object *
aispm_heatmap(const struct aispm_set *s, struct json_object **summary)
{
	struct json_object	*out, *surfs, *rows, *gaps, *o, *row, *cells;
	struct cv_aispm_tally	 t;
	struct row_key		*keys;
	struct strs		 packs, refs;
	const struct cv_aispm_dec *d;
	enum cv_aispm_coverage	 c;
	enum cv_aispm_surface	 k;
	const char		*conf, *advice, *sa, *sr;
	size_t			 i, j, nk = 0, cnt[CV_COV__MAX], ncells = 0;
	size_t			 rown;
	int64_t			 heat = 0;

	memset(cnt, 0, sizeof(cnt));
	keys = cv_arena_alloc(s->a, (s->ndec + s->nsess + 1) * sizeof(*keys));
	for (i = 0; i < s->ndec; i++)
		if (s->dec[i].agent_id != NULL && *s->dec[i].agent_id != '\0')
			row_add(keys, &nk, s->dec[i].agent_id,
			    REPO(&s->dec[i]));
	for (i = 0; i < s->nsess; i++)
		if (s->sess[i].agent_id != NULL && *s->sess[i].agent_id != '\0')
			row_add(keys, &nk, s->sess[i].agent_id,
			    REPO(&s->sess[i]));
	if (nk == 0)
		for (i = 0; i < s->ndec; i++)
			row_add(keys, &nk, AGENT(&s->dec[i]), REPO(&s->dec[i]));
	if (nk > 1)
		qsort(keys, nk, sizeof(*keys), row_cmp);

	surfs = json_object_new_array();
	for (k = 0; k < CV_SURF__MAX; k++) {
		o = json_object_new_object();
		cv_json_add_str(o, "surface_id", cv_aispm_surfaces[k].id);
		cv_json_add_str(o, "label", cv_aispm_surfaces[k].label);
		cv_json_add_str(o, "description",
		    cv_aispm_surfaces[k].description);
		json_object_array_add(surfs, o);
	}
	rows = json_object_new_array();
	gaps = json_object_new_array();
	for (i = 0; i < nk; i++) {
		memset(&packs, 0, sizeof(packs));
		packs.a = s->a;
		rown = 0;
		for (j = 0; j < s->ndec; j++) {
			d = &s->dec[j];
			if (strcmp(AGENT(d), keys[i].agent) == 0 &&
			    strcmp(REPO(d), keys[i].repo) == 0) {
				strs_add(&packs, PACK(d));
				rown++;
			}
		}
		strs_sort(&packs);
		sa = cv_aispm_slug(s->a, keys[i].agent);
		sr = cv_aispm_slug(s->a, keys[i].repo);
		cells = json_object_new_array();
		for (k = 0; k < CV_SURF__MAX; k++) {
			memset(&t, 0, sizeof(t));
			memset(&refs, 0, sizeof(refs));
			refs.a = s->a;
			for (j = 0; j < s->ndec; j++) {
				d = &s->dec[j];
				if (d->surface != k || strcmp(AGENT(d),
				    keys[i].agent) != 0 || strcmp(REPO(d),
				    keys[i].repo) != 0)
					continue;
				cv_aispm_tally_add(&t, d);
				strs_refs(&refs, d->refs, d->nrefs);
			}
			c = cv_aispm_coverage(&t);
			cnt[c]++;
			ncells++;
			heat += cv_aispm_coverage_score(c);
			conf = cv_aispm_confidence(&t);
			advice = cell_advice(s->a, cv_aispm_surfaces[k].id, c);
			o = json_object_new_object();
			cv_json_add_str(o, "surface_id",
			    cv_aispm_surfaces[k].id);
			cv_json_add_str(o, "label", cv_aispm_surfaces[k].label);
			cv_json_add_str(o, "coverage_status",
			    cv_aispm_coverage_name(c));
			cv_json_add_int(o, "coverage_score",
			    cv_aispm_coverage_score(c));
			cv_json_add_int(o, "decision_count", (int64_t)t.n);
			cv_json_add_int(o, "blocked_actions",
			    (int64_t)t.out[CV_OUT_BLOCK]);
			cv_json_add_int(o, "approval_required_actions",
			    (int64_t)t.out[CV_OUT_APPROVAL]);
			cv_json_add_int(o, "warned_actions",
			    (int64_t)t.out[CV_OUT_WARN]);
			cv_json_add_str(o, "evidence_confidence", conf);
			json_object_object_add(o, "evidence_refs",
			    jstrv(refs.v, refs.n, 6));
			cv_json_add_str(o, "recommended_action", advice);
			json_object_array_add(cells, o);
			if ((c == CV_COV_NONE || c == CV_COV_WARNING) &&
			    json_object_array_length(gaps) < AISPM_REFS_MAX) {
				o = json_object_new_object();
				cv_json_add_str(o, "gap_id", cv_arena_printf(
				    s->a, "coverage-gap-%s-%s-%s", sa, sr,
				    cv_aispm_surfaces[k].id));
				cv_json_add_str(o, "agent_id", keys[i].agent);
				cv_json_add_str(o, "repository", keys[i].repo);
				cv_json_add_str(o, "surface_id",
				    cv_aispm_surfaces[k].id);
				cv_json_add_str(o, "label",
				    cv_aispm_surfaces[k].label);
				cv_json_add_str(o, "coverage_status",
				    cv_aispm_coverage_name(c));
				cv_json_add_str(o, "recommended_action",
				    advice);
				cv_json_add_str(o, "evidence_confidence", conf);
				json_object_array_add(gaps, o);
			}
		}
		row = json_object_new_object();
		cv_json_add_str(row, "row_id", cv_arena_printf(s->a,
		    "coverage-%s-%s", sa, sr));
		cv_json_add_str(row, "agent_id", keys[i].agent);
		cv_json_add_str(row, "repository", keys[i].repo);
		json_object_object_add(row, "policy_packs", jstrv(packs.v,
		    packs.n, 0));
		cv_json_add_int(row, "decision_count", (int64_t)rown);
		json_object_object_add(row, "cells", cells);
		json_object_array_add(rows, row);
	}
	heat = cv_aispm_round_div(heat, (int64_t)ncells);
	if (summary != NULL) {
		*summary = json_object_new_object();
		cv_json_add_int(*summary, "row_count", (int64_t)nk);
		cv_json_add_int(*summary, "surface_count", CV_SURF__MAX);
		cv_json_add_int(*summary, "cell_count", (int64_t)ncells);
		cv_json_add_int(*summary, "enforced_cells",
		    (int64_t)cnt[CV_COV_ENFORCED]);
		cv_json_add_int(*summary, "approval_gated_cells",
		    (int64_t)cnt[CV_COV_APPROVAL]);
		cv_json_add_int(*summary, "warning_only_cells",
		    (int64_t)cnt[CV_COV_WARNING]);
		cv_json_add_int(*summary, "observed_cells",
		    (int64_t)(cnt[CV_COV_OBSERVED] + cnt[CV_COV_ATTESTED]));
		cv_json_add_int(*summary, "not_observed_cells",
		    (int64_t)cnt[CV_COV_NONE]);
		cv_json_add_int(*summary, "coverage_score", heat);
		cv_json_add_str(*summary, "evidence_confidence",
		    aispm_set_confidence(s));
	}
	out = json_object_new_object();
	json_object_object_add(out, "surfaces", surfs);
	json_object_object_add(out, "rows", rows);
	json_object_object_add(out, "top_gaps", gaps);
	cv_json_add_int(out, "coverage_score", heat);
	return out;
}

/* Whether any decision of s belongs to session id. */
static int
session_has_decisions(const struct aispm_set *s, const char *id)
{
	size_t	 i;

	for (i = 0; i < s->ndec; i++)
		if (s->dec[i].session_id != NULL &&
		    *s->dec[i].session_id != '\0' &&
		    strcmp(s->dec[i].session_id, id) == 0)
			return 1;
	return 0;
}

/* The names of the keys of rec among keys whose value is not null, ""
 * or []. */
static struct json_object *
present_fields(struct json_object *rec, const char *const *keys)
{
	struct json_object	*a, *v;

	a = json_object_new_array();
	for (; *keys != NULL; keys++) {
		v = json_object_object_get(rec, *keys);
		if (v == NULL || (json_object_is_type(v, json_type_string) &&
		    json_object_get_string_len(v) == 0) ||
		    (json_object_is_type(v, json_type_array) &&
		    json_object_array_length(v) == 0))
			continue;
		json_object_array_add(a, json_object_new_string(*keys));
	}
	return a;
}

static const char *
level_advice(enum cv_aispm_level l)
{
	switch (l) {
	case CV_LVL_SIGNED:
		return "Keep signed evidence attached and validate freshness "
		    "during release review.";
	case CV_LVL_ACTIVITY:
		return "Promote evidence references to signed attestations for "
		    "regulated workflows.";
	case CV_LVL_SAMPLE:
		return "Replace sample evidence with local or signed evidence "
		    "before production evaluation.";
	case CV_LVL_METADATA:
		return "Attach evidence references for this decision or session "
		    "before audit reliance.";
	default:
		return "Capture decision metadata and evidence references "
		    "before relying on this control.";
	}
}

static size_t
count_signed(const char *const *refs, size_t n)
{
	size_t	 i, k = 0;

	for (i = 0; i < n; i++)
		k += cv_aispm_ref_signed(refs[i]) != 0;
	return k;
}

/*
 * Evidence confidence drilldown: a fact per decision and per session no
 * decision of the window belongs to, lowest confidence first, the first
 * AISPM_FACTS_MAX; the summary counts them all.
 */
struct json_object *
aispm_confidence(const struct aispm_set *s)
{
	static const char *const dfields[] = { "decision_id", "session_id",
	    "agent_id", "repository", "policy_pack", "rule_id", "action_type",
	    "target", "timestamp", NULL };
	static const char *const sfields[] = { "session_id", "agent_id",
	    "repository", "policy_pack", "state", "started_at", "updated_at",
	    NULL };
	struct json_object	*out, *sum, *o;
	struct sitem		*v;
	const struct cv_aispm_dec *d;
	const struct cv_aispm_sess *ss;
	enum cv_aispm_level	 l, best = CV_LVL_NONE;
	const char		*sid, *when;
	size_t			 i, n = 0, cnt[CV_LVL__MAX];
	int64_t			 total = 0;

	memset(cnt, 0, sizeof(cnt));
	v = cv_arena_alloc(s->a, (s->ndec + s->nsess + 1) * sizeof(*v));
	for (i = 0; i < s->ndec; i++) {
		d = &s->dec[i];
		l = cv_aispm_level(d->refs, d->nrefs);
		o = json_object_new_object();
		cv_json_add_str(o, "fact_id", cv_arena_printf(s->a,
		    "evidence-%s", dflt(d->decision_id, "unknown")));
		cv_json_add_str(o, "fact_type", "policy_decision");
		cv_json_add_str(o, "source_id", dflt(d->decision_id,
		    "unknown"));
		cv_json_add_str(o, "session_id", d->session_id);
		cv_json_add_str(o, "agent_id", AGENT(d));
		cv_json_add_str(o, "repository", REPO(d));
		cv_json_add_str(o, "policy_pack", PACK(d));
		cv_json_add_str(o, "control_surface",
		    cv_aispm_surfaces[d->surface].id);
		cv_json_add_str(o, "decision", dflt(d->decision, "unknown"));
		cv_json_add_str(o, "severity", dflt(d->severity, "low"));
		cv_json_add_str(o, "confidence_level", cv_aispm_level_name(l));
		cv_json_add_int(o, "confidence_score", cv_aispm_level_score(l));
		cv_json_add_int(o, "evidence_count", (int64_t)d->nrefs);
		cv_json_add_int(o, "signed_evidence_count",
		    (int64_t)count_signed(d->refs, d->nrefs));
		json_object_object_add(o, "evidence_refs", jstrv(d->refs,
		    d->nrefs, AISPM_REFS_MAX));
		json_object_object_add(o, "metadata_fields",
		    present_fields(d->rec, dfields));
		cv_json_add_str(o, "recommended_action", level_advice(l));
		cv_json_add_str(o, "timestamp", d->timestamp);
		v[n].o = o;
		v[n].n1 = cv_aispm_level_score(l);
		v[n].p = (const void *)(uintptr_t)l;
		v[n++].s1 = ts(d->timestamp);
	}
	for (i = 0; i < s->nsess; i++) {
		ss = &s->sess[i];
		sid = dflt(ss->session_id, "unknown");
		if (session_has_decisions(s, sid))
			continue;
		l = cv_aispm_level(ss->refs, ss->nrefs);
		when = ss->updated_at != NULL && *ss->updated_at != '\0' ?
		    ss->updated_at : ss->started_at;
		o = json_object_new_object();
		cv_json_add_str(o, "fact_id", cv_arena_printf(s->a,
		    "evidence-session-%s", sid));
		cv_json_add_str(o, "fact_type", "agent_session");
		cv_json_add_str(o, "source_id", sid);
		cv_json_add_str(o, "session_id", sid);
		cv_json_add_str(o, "agent_id", AGENT(ss));
		cv_json_add_str(o, "repository", REPO(ss));
		cv_json_add_str(o, "policy_pack", PACK(ss));
		cv_json_add_str(o, "control_surface", "agent_session");
		cv_json_add_str(o, "decision", "session_observed");
		cv_json_add_str(o, "severity", "low");
		cv_json_add_str(o, "confidence_level", cv_aispm_level_name(l));
		cv_json_add_int(o, "confidence_score", cv_aispm_level_score(l));
		cv_json_add_int(o, "evidence_count", (int64_t)ss->nrefs);
		cv_json_add_int(o, "signed_evidence_count",
		    (int64_t)count_signed(ss->refs, ss->nrefs));
		json_object_object_add(o, "evidence_refs", jstrv(ss->refs,
		    ss->nrefs, AISPM_REFS_MAX));
		json_object_object_add(o, "metadata_fields",
		    present_fields(ss->rec, sfields));
		cv_json_add_str(o, "recommended_action", level_advice(l));
		cv_json_add_str(o, "timestamp", when);
		v[n].o = o;
		v[n].n1 = cv_aispm_level_score(l);
		v[n].p = (const void *)(uintptr_t)l;
		v[n++].s1 = ts(when);
	}
	for (i = 0; i < n; i++) {
		l = (enum cv_aispm_level)(uintptr_t)v[i].p;
		cnt[l]++;
		total += v[i].n1;
	}
	sitems_sort(v, n, SORT_N1_S1_ASC);
	for (i = 0; i < n; i++) {
		l = (enum cv_aispm_level)(uintptr_t)v[i].p;
		if (best == CV_LVL_NONE || cv_aispm_level_score(l) >
		    cv_aispm_level_score(best))
			best = l;
	}
	sum = json_object_new_object();
	cv_json_add_int(sum, "total_facts", (int64_t)n);
	cv_json_add_int(sum, "signed_evidence_items",
	    (int64_t)cnt[CV_LVL_SIGNED]);
	cv_json_add_int(sum, "activity_evidence_items",
	    (int64_t)cnt[CV_LVL_ACTIVITY]);
	cv_json_add_int(sum, "sample_evidence_items",
	    (int64_t)cnt[CV_LVL_SAMPLE]);
	cv_json_add_int(sum, "metadata_only_items",
	    (int64_t)cnt[CV_LVL_METADATA]);
	cv_json_add_int(sum, "missing_evidence_items",
	    (int64_t)cnt[CV_LVL_MISSING]);
	cv_json_add_int(sum, "evidence_score", cv_aispm_round_div(total,
	    (int64_t)n));
	cv_json_add_str(sum, "lowest_confidence_level", n > 0 ?
	    cv_aispm_level_name((enum cv_aispm_level)(uintptr_t)v[0].p) :
	    "no_local_activity");
	cv_json_add_str(sum, "highest_confidence_level",
	    cv_aispm_level_name(best));
	out = json_object_new_object();
	json_object_object_add(out, "summary", sum);
	json_object_object_add(out, "facts", sitems_array(v, n,
	    AISPM_FACTS_MAX));
	return out;
}

/* Freshness and retention statuses. */
enum fresh { F_FRESH, F_SOON, F_STALE, F_MISSING, F__MAX };
enum keep { K_RETAINED, K_SAMPLE, K_REF, K_META, K__MAX };
enum slo { SLO_MET, SLO_MONITOR, SLO_BREACHED, SLO__MAX };

static const struct {
	const char	*name;
	int		 score;
} freshes[] = {
	{ "fresh", 100 },		/* F_FRESH */
	{ "review_soon", 68 },		/* F_SOON */
	{ "stale", 18 },		/* F_STALE */
	{ "timestamp_missing", 0 },	/* F_MISSING */
}, keeps[] = {
	{ "retained_reference", 100 },	/* K_RETAINED */
	{ "sample_reference", 45 },	/* K_SAMPLE */
	{ "evidence_ref_only", 38 },	/* K_REF */
	{ "metadata_only", 0 },		/* K_META */
};
static const char *const slos[] = { "met", "monitor", "breached" };
static const char *const retained_prefixes[] = { "archive://",
    "immutable://", "s3://", "gs://", "azblob://", NULL };

#define FRESH_HOURS		24
#define REVIEW_SOON_HOURS	168

static enum keep
retention(const char *const *refs, size_t n)
{
	const char *const	*p;
	size_t			 i;

	for (i = 0; i < n; i++)
		for (p = retained_prefixes; *p != NULL; p++)
			if (strncmp(refs[i], *p, strlen(*p)) == 0)
				return K_RETAINED;
	for (i = 0; i < n; i++)
		if (strncmp(refs[i], "sample://", 9) == 0)
			return K_SAMPLE;
	return n > 0 ? K_REF : K_META;
}

static const char *
fresh_advice(enum fresh f, enum keep k)
{
	if (f == F_MISSING)
		return "Record decision/session timestamps before using this "
		    "evidence for audit review.";
	if (f == F_STALE)
		return "Refresh or revalidate this evidence before relying on "
		    "it for release or compliance review.";
	if (k == K_META)
		return "Attach evidence references and route the record to "
		    "retained evidence storage.";
	if (k == K_REF)
		return "Promote this evidence reference into immutable retained "
		    "storage for regulated workflows.";
	if (k == K_SAMPLE)
		return "Replace sample evidence with retained local or signed "
		    "evidence before production reliance.";
	if (f == F_SOON)
		return "Review freshness before the evidence crosses the "
		    "seven-day SLO threshold.";
	return "Freshness and retention metadata are acceptable for "
	    "Community-level review.";
}

/* One freshness item being built. */
struct fitem {
	enum fresh	 f;
	enum keep	 k;
	enum slo	 slo;
	int64_t		 age;	/* -1: none */
};

static struct json_object *
fresh_item(const struct aispm_set *s, struct fitem *fi, const char *observed,
    const char *const *refs, size_t nrefs)
{
	struct json_object	*o;
	int64_t			 us;

	fi->age = -1;
	if (observed != NULL && *observed != '\0' && s->now_us != 0 &&
	    cv_iso_time(observed, &us) == 0) {
		fi->age = cv_aispm_round_div(s->now_us - us,
		    INT64_C(3600000000));
		if (fi->age < 0)
			fi->age = 0;
	}
	if (fi->age < 0)
		fi->f = F_MISSING;
	else if (fi->age <= FRESH_HOURS)
		fi->f = F_FRESH;
	else if (fi->age <= REVIEW_SOON_HOURS)
		fi->f = F_SOON;
	else
		fi->f = F_STALE;
	fi->k = retention(refs, nrefs);
	if (fi->f == F_STALE || fi->f == F_MISSING || fi->k == K_META)
		fi->slo = SLO_BREACHED;
	else if (fi->f == F_SOON || fi->k == K_SAMPLE || fi->k == K_REF)
		fi->slo = SLO_MONITOR;
	else
		fi->slo = SLO_MET;
	o = json_object_new_object();
	cv_json_add_str(o, "observed_at", observed != NULL && *observed !=
	    '\0' ? observed : NULL);
	if (fi->age >= 0)
		cv_json_add_int(o, "age_hours", fi->age);
	else
		json_object_object_add(o, "age_hours", NULL);
	cv_json_add_str(o, "freshness_status", freshes[fi->f].name);
	cv_json_add_str(o, "retention_status", keeps[fi->k].name);
	cv_json_add_str(o, "slo_status", slos[fi->slo]);
	json_object_object_add(o, "evidence_refs", jstrv(refs, nrefs,
	    AISPM_REFS_MAX));
	cv_json_add_str(o, "recommended_action", fresh_advice(fi->f, fi->k));
	return o;
}

/* Copies the keys of tail (consumed) after those of o. */
static void
append_keys(struct json_object *o, struct json_object *tail)
{
	json_object_object_foreach(tail, k, val)
		json_object_object_add(o, k, json_object_get(val));
	json_object_put(tail);
}

/*
 * Evidence freshness: per decision and per session no decision belongs
 * to, the age of its time stamp against s->now and the retention its
 * references promise; breached first, oldest first; the first
 * AISPM_FACTS_MAX.
 */
struct json_object *
aispm_freshness(const struct aispm_set *s)
{
	struct json_object	*out, *pol, *sum, *o;
	struct sitem		*v;
	struct fitem		 fi;
	const struct cv_aispm_dec *d;
	const struct cv_aispm_sess *ss;
	const char		*sid, *when;
	size_t			 i, n = 0, fc[F__MAX], kc[K__MAX], sc[SLO__MAX];
	int64_t			 fsum = 0, ksum = 0, oldest = -1;

	memset(fc, 0, sizeof(fc));
	memset(kc, 0, sizeof(kc));
	memset(sc, 0, sizeof(sc));
	v = cv_arena_alloc(s->a, (s->ndec + s->nsess + 1) * sizeof(*v));
	for (i = 0; i < s->ndec + s->nsess; i++) {
		o = json_object_new_object();
		if (i < s->ndec) {
			d = &s->dec[i];
			cv_json_add_str(o, "item_id", cv_arena_printf(s->a,
			    "freshness-%s", dflt(d->decision_id, "unknown")));
			cv_json_add_str(o, "item_type", "policy_decision");
			cv_json_add_str(o, "source_id", dflt(d->decision_id,
			    "unknown"));
			cv_json_add_str(o, "session_id", d->session_id);
			cv_json_add_str(o, "agent_id", AGENT(d));
			cv_json_add_str(o, "repository", REPO(d));
			cv_json_add_str(o, "policy_pack", PACK(d));
			cv_json_add_str(o, "control_surface",
			    cv_aispm_surfaces[d->surface].id);
			cv_json_add_str(o, "severity", dflt(d->severity,
			    "low"));
			cv_json_add_str(o, "decision", dflt(d->decision,
			    "unknown"));
			append_keys(o, fresh_item(s, &fi, d->timestamp, d->refs,
			    d->nrefs));
		} else {
			ss = &s->sess[i - s->ndec];
			sid = dflt(ss->session_id, "unknown");
			if (session_has_decisions(s, sid)) {
				json_object_put(o);
				continue;
			}
			when = ss->updated_at != NULL && *ss->updated_at !=
			    '\0' ? ss->updated_at : ss->started_at;
			cv_json_add_str(o, "item_id", cv_arena_printf(s->a,
			    "freshness-session-%s", sid));
			cv_json_add_str(o, "item_type", "agent_session");
			cv_json_add_str(o, "source_id", sid);
			cv_json_add_str(o, "session_id", sid);
			cv_json_add_str(o, "agent_id", AGENT(ss));
			cv_json_add_str(o, "repository", REPO(ss));
			cv_json_add_str(o, "policy_pack", PACK(ss));
			cv_json_add_str(o, "control_surface", "agent_session");
			cv_json_add_str(o, "severity", "low");
			cv_json_add_str(o, "decision", "session_observed");
			append_keys(o, fresh_item(s, &fi, when, ss->refs,
			    ss->nrefs));
		}
		fc[fi.f]++;
		kc[fi.k]++;
		sc[fi.slo]++;
		fsum += freshes[fi.f].score;
		ksum += keeps[fi.k].score;
		if (fi.age > oldest)
			oldest = fi.age;
		v[n].o = o;
		v[n].n1 = fi.slo;
		v[n++].n2 = fi.age;
	}
	sitems_sort(v, n, SORT_N1_N2_DESC);
	pol = json_object_new_object();
	cv_json_add_int(pol, "fresh_hours", FRESH_HOURS);
	cv_json_add_int(pol, "review_soon_hours", REVIEW_SOON_HOURS);
	add_strs(pol, "retention_reference_patterns", retained_prefixes);
	cv_json_add_str(pol, "community_boundary", "metadata_only");
	sum = json_object_new_object();
	cv_json_add_int(sum, "total_items", (int64_t)n);
	cv_json_add_int(sum, "fresh_items", (int64_t)fc[F_FRESH]);
	cv_json_add_int(sum, "review_soon_items", (int64_t)fc[F_SOON]);
	cv_json_add_int(sum, "stale_items", (int64_t)fc[F_STALE]);
	cv_json_add_int(sum, "missing_timestamp_items", (int64_t)fc[F_MISSING]);
	cv_json_add_int(sum, "retention_ready_items", (int64_t)kc[K_RETAINED]);
	cv_json_add_int(sum, "sample_retention_items", (int64_t)kc[K_SAMPLE]);
	cv_json_add_int(sum, "retention_gap_items", (int64_t)(kc[K_REF] +
	    kc[K_META]));
	cv_json_add_int(sum, "slo_met_items", (int64_t)sc[SLO_MET]);
	cv_json_add_int(sum, "slo_monitor_items", (int64_t)sc[SLO_MONITOR]);
	cv_json_add_int(sum, "slo_breached_items", (int64_t)sc[SLO_BREACHED]);
	cv_json_add_int(sum, "freshness_score", cv_aispm_round_div(fsum,
	    (int64_t)n));
	cv_json_add_int(sum, "retention_score", cv_aispm_round_div(ksum,
	    (int64_t)n));
	if (oldest >= 0)
		cv_json_add_int(sum, "oldest_age_hours", oldest);
	else
		json_object_object_add(sum, "oldest_age_hours", NULL);
	cv_json_add_str(sum, "evidence_confidence", aispm_set_confidence(s));
	out = json_object_new_object();
	json_object_object_add(out, "slo_policy", pol);
	json_object_object_add(out, "summary", sum);
	json_object_object_add(out, "items", sitems_array(v, n,
	    AISPM_FACTS_MAX));
	return out;
}

static int64_t
jint(struct json_object *o, const char *key)
{
	return json_object_get_int64(json_object_object_get(o, key));
}

static struct json_object *
narrative_action(const char *id, const char *prio, const char *owner,
    const char *action)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_str(o, "action_id", id);
	cv_json_add_str(o, "priority", prio);
	cv_json_add_str(o, "owner", owner);
	cv_json_add_str(o, "action", action);
	return o;
}

/*
 * Executive risk narrative: a deterministic text and its metrics from the
 * findings, overview and freshness pieces of the same set.
 */
struct json_object *
aispm_narrative(const struct aispm_set *s, struct json_object *findings,
    struct json_object *overview, struct json_object *freshness)
{
	struct json_object	*o, *km, *secs, *sec, *risks, *r, *acts, *it;
	struct json_object	*fsum, *items;
	struct strs		 agents, refs;
	const char		*level, *headline;
	int64_t			 blocked, approvals, total, score, breached;
	int64_t			 monitor, gaps;
	size_t			 i, nb;

	fsum = json_object_object_get(freshness, "summary");
	items = json_object_object_get(freshness, "items");
	blocked = jint(overview, "blocked_actions");
	approvals = jint(overview, "approval_required_actions");
	total = jint(overview, "total_decisions");
	score = jint(overview, "posture_score");
	level = json_object_get_string(json_object_object_get(overview,
	    "risk_level"));
	breached = jint(fsum, "slo_breached_items");
	monitor = jint(fsum, "slo_monitor_items");
	gaps = jint(fsum, "retention_gap_items");
	memset(&agents, 0, sizeof(agents));
	memset(&refs, 0, sizeof(refs));
	agents.a = refs.a = s->a;
	for (i = 0; i < s->ndec; i++) {
		if (s->dec[i].agent_id != NULL && *s->dec[i].agent_id != '\0')
			strs_add(&agents, s->dec[i].agent_id);
		strs_refs(&refs, s->dec[i].refs, s->dec[i].nrefs);
	}
	if (total == 0)
		headline = "No local AI-agent policy activity is available "
		    "yet; connect activity data before relying on posture "
		    "conclusions.";
	else
		headline = cv_arena_printf(s->a, "CAVRA Community reports %s "
		    "AI-agent posture from %lld local decision(s), including "
		    "%lld blocked action(s) and %lld approval-gated action(s), "
		    "with %lld evidence SLO breach(es) requiring operator "
		    "review.", level, (long long)total, (long long)blocked,
		    (long long)approvals, (long long)breached);

	risks = json_object_new_array();
	for (i = 0; i < json_object_array_length(findings) && i < 5; i++) {
		it = json_object_array_get_idx(findings, i);
		r = json_object_new_object();
		json_object_object_add(r, "risk_id",
		    cv_json_ref(it, "finding_id"));
		cv_json_add_str(r, "title", cv_aispm_title(s->a,
		    json_object_get_string(json_object_object_get(it,
		    "risk_classification"))));
		cv_json_copy_keys(r, it, "severity", "agent_id", "repository",
		    "reason", "evidence_refs", NULL);
		json_object_array_add(risks, r);
	}
	for (i = 0, nb = 0; i < json_object_array_length(items) && nb < 3;
	    i++) {
		it = json_object_array_get_idx(items, i);
		if (strcmp(json_object_get_string(json_object_object_get(it,
		    "slo_status")), "breached") != 0)
			continue;
		nb++;
		r = json_object_new_object();
		cv_json_add_str(r, "risk_id", cv_arena_printf(s->a,
		    "evidence-slo-%s", json_object_get_string(
		    json_object_object_get(it, "source_id"))));
		cv_json_add_str(r, "title", "Evidence SLO Breach");
		cv_json_add_str(r, "severity", "medium");
		cv_json_copy_keys(r, it, "agent_id", "repository", NULL);
		json_object_object_add(r, "reason",
		    cv_json_ref(it, "recommended_action"));
		json_object_object_add(r, "evidence_refs",
		    cv_json_ref(it, "evidence_refs"));
		json_object_array_add(risks, r);
	}
	if (json_object_array_length(risks) == 0 && s->ndec > 0) {
		r = json_object_new_object();
		cv_json_add_str(r, "risk_id", "community-observed-activity");
		cv_json_add_str(r, "title", "Observed AI-Agent Activity");
		cv_json_add_str(r, "severity", "low");
		cv_json_add_str(r, "agent_id", AGENT(&s->dec[0]));
		cv_json_add_str(r, "repository", REPO(&s->dec[0]));
		cv_json_add_str(r, "reason", "Local activity exists; continue "
		    "collecting evidence and validating policy coverage.");
		json_object_object_add(r, "evidence_refs", jstrv(s->dec[0].refs,
		    s->dec[0].nrefs, 0));
		json_object_array_add(risks, r);
	}
	while (json_object_array_length(risks) > 6)
		json_object_array_del_idx(risks,
		    json_object_array_length(risks) - 1, 1);

	acts = json_object_new_array();
	if (strcmp(level, "critical") == 0 || strcmp(level, "high") == 0 ||
	    json_object_array_length(risks) > 0)
		json_object_array_add(acts, narrative_action(
		    "review-top-ai-agent-risks", "high", "security leadership",
		    "Review the top AI-agent risks and confirm owners for "
		    "remediation."));
	if (approvals > 0)
		json_object_array_add(acts, narrative_action(
		    "validate-approval-latency", "medium",
		    "platform leadership", "Validate approval routes and "
		    "latency for approval-gated AI-agent actions."));
	if (breached > 0 || gaps > 0)
		json_object_array_add(acts, narrative_action(
		    "close-evidence-slo-gaps", "high", "governance and audit",
		    "Refresh stale evidence and move retained evidence "
		    "references into immutable storage."));
	json_object_array_add(acts, narrative_action(
	    "plan-enterprise-live-posture", "medium", "security architecture",
	    "Plan Enterprise live ingestion for prompts, tool calls, trace "
	    "history, trend reporting, and runtime controls."));

	secs = json_object_new_array();
#define SECTION(id, title, body)	do {				\
		sec = json_object_new_object();				\
		cv_json_add_str(sec, "section_id", (id));		\
		cv_json_add_str(sec, "title", (title));			\
		cv_json_add_str(sec, "body", (body));			\
		json_object_array_add(secs, sec);			\
	} while (0)
	SECTION("executive-summary", "Executive Summary", headline);
	SECTION("risk-posture", "Risk Posture", cv_arena_printf(s->a,
	    "CAVRA observed %lld local policy decisions across %zu agent "
	    "identities. The current Community posture score is %lld/100 "
	    "with a %s risk level.", (long long)total, agents.n,
	    (long long)score, level));
	SECTION("evidence-readiness", "Evidence Readiness",
	    cv_arena_printf(s->a, "Evidence freshness has %lld breached SLO "
	    "item(s), %lld item(s) to monitor, and %lld retention gap(s). "
	    "Community validates local timestamps and reference patterns "
	    "only.", (long long)breached, (long long)monitor,
	    (long long)gaps));
	SECTION("operator-focus", "Operator Focus", "Focus on the highest-risk "
	    "agent actions, close evidence gaps, and keep Enterprise-only "
	    "live controls scoped for the next paid or trial deployment.");
#undef SECTION

	km = json_object_new_object();
	json_object_object_add(km, "total_sessions",
	    cv_json_ref(overview, "total_sessions"));
	cv_json_add_int(km, "total_decisions", total);
	cv_json_add_int(km, "blocked_actions", blocked);
	cv_json_add_int(km, "approval_required_actions", approvals);
	json_object_object_add(km, "risk_findings",
	    cv_json_ref(overview, "risk_findings"));
	cv_json_add_int(km, "evidence_slo_breaches", breached);
	cv_json_add_int(km, "evidence_retention_gaps", gaps);
	cv_json_copy_keys(km, fsum, "freshness_score", "retention_score", NULL);

	o = json_object_new_object();
	cv_json_add_str(o, "report_id",
	    "aispm-executive-risk-narrative-community");
	cv_json_add_str(o, "narrative_type",
	    "deterministic_public_safe_summary");
	add_strs(o, "audience", (const char *const[]){ "CSO", "CISO",
	    "security leadership", "platform leadership", NULL });
	cv_json_add_str(o, "time_window", "local_activity_window");
	cv_json_add_str(o, "headline", headline);
	cv_json_add_str(o, "risk_level", level);
	cv_json_add_int(o, "posture_score", score);
	json_object_object_add(o, "key_metrics", km);
	json_object_object_add(o, "sections", secs);
	json_object_object_add(o, "top_risks", risks);
	json_object_object_add(o, "recommended_actions", acts);
	json_object_object_add(o, "evidence_refs", jstrv(refs.v, refs.n, 10));
	add_strs(o, "limitations", (const char *const[]){
	    "Community narrative is deterministic and based on local/sample "
	    "metadata only.",
	    "Raw prompts, model reasoning, customer impact, trend history, "
	    "and tenant benchmarks require CAVRA Enterprise.", NULL });
	return o;
}

struct json_object *
aispm_control_plane(const struct aispm_set *s)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_str(o, "community_status", "local_activity_ready");
	cv_json_add_str(o, "enterprise_status", AISPM_LOCKED);
	cv_json_add_str(o, "live_streaming", AISPM_LOCKED);
	cv_json_add_str(o, "kill_switch", AISPM_LOCKED);
	cv_json_add_str(o, "runtime_overrides", AISPM_LOCKED);
	cv_json_add_str(o, "policy_distribution", AISPM_LOCKED);
	cv_json_add_str(o, "trace_replay", s->ndec > 0 ?
	    "local_timeline_available" : "sample_or_enterprise_required");
	cv_json_add_bool(o, "data_provenance_required", 1);
	return o;
}

/*
 * Trace replay of one session: its decisions oldest first as steps with
 * summarised targets and redacted reasons.
 */
struct json_object *
aispm_trace(const struct aispm_set *s, const char *session_id,
    const struct cv_aispm_sess *sess)
{
	struct json_object	*out, *se, *sum, *steps, *st;
	struct cv_aispm_tally	 t;
	struct sitem		*v;
	const struct cv_aispm_dec *d, *first = NULL, *last = NULL;
	struct strs		 refs;
	size_t			 i;

	v = cv_arena_alloc(s->a, (s->ndec + 1) * sizeof(*v));
	for (i = 0; i < s->ndec; i++) {
		v[i].p = &s->dec[i];
		v[i].s1 = ts(s->dec[i].timestamp);
	}
	sitems_sort(v, s->ndec, SORT_S1_ASC);
	if (s->ndec > 0) {
		first = v[0].p;
		last = v[s->ndec - 1].p;
	}
#define PICK(field, dfl)	(sess != NULL && sess->field != NULL &&	\
				    *sess->field != '\0' ? sess->field :	\
				    first != NULL && first->field != NULL ?	\
				    first->field : (dfl))
	se = json_object_new_object();
	cv_json_add_str(se, "session_id", session_id);
	cv_json_add_str(se, "agent_id", PICK(agent_id, "unknown-agent"));
	cv_json_add_str(se, "actor", PICK(actor, "ai-agent"));
	cv_json_add_str(se, "repository", PICK(repository, "local"));
	cv_json_add_str(se, "policy_pack", PICK(policy_pack, BASELINE));
#undef PICK
	cv_json_add_str(se, "state", sess != NULL ? dflt(sess->state,
	    "decision_only") : "decision_only");
	cv_json_add_str(se, "started_at", sess != NULL && sess->started_at !=
	    NULL && *sess->started_at != '\0' ? sess->started_at :
	    first != NULL ? first->timestamp : NULL);
	cv_json_add_str(se, "updated_at", sess != NULL && sess->updated_at !=
	    NULL && *sess->updated_at != '\0' ? sess->updated_at :
	    last != NULL ? last->timestamp : NULL);

	memset(&t, 0, sizeof(t));
	memset(&refs, 0, sizeof(refs));
	refs.a = s->a;
	steps = json_object_new_array();
	for (i = 0; i < s->ndec; i++) {
		d = v[i].p;
		cv_aispm_tally_add(&t, d);
		strs_refs(&refs, d->refs, d->nrefs);
		st = json_object_new_object();
		cv_json_add_int(st, "step", (int64_t)i + 1);
		cv_json_add_str(st, "event_type", "policy_decision");
		cv_json_add_str(st, "decision_id", d->decision_id);
		cv_json_add_str(st, "session_id", d->session_id);
		cv_json_add_str(st, "agent_id", AGENT(d));
		cv_json_add_str(st, "repository", REPO(d));
		cv_json_add_str(st, "action_type", dflt(d->action_type,
		    "unknown"));
		cv_json_add_str(st, "target_summary", d->tgt.summary);
		cv_json_add_bool(st, "target_redacted", d->tgt.redacted);
		cv_json_add_str(st, "decision", d->decision);
		cv_json_add_str(st, "severity", d->severity);
		cv_json_add_str(st, "rule_id", d->rule_id);
		cv_json_add_str(st, "policy_pack", d->policy_pack);
		cv_json_add_str(st, "risk_classification",
		    cv_aispm_risk_name(d->risk));
		cv_json_add_str(st, "control_surface",
		    cv_aispm_surfaces[d->surface].id);
		cv_json_add_str(st, "reason", safe_reason(s, d,
		    "CAVRA policy decision recorded."));
		json_object_object_add(st, "evidence_refs", jstrv(d->refs,
		    d->nrefs, 0));
		cv_json_add_str(st, "timestamp", d->timestamp);
		json_object_array_add(steps, st);
	}
	strs_sort(&refs);
	sum = json_object_new_object();
	cv_json_add_int(sum, "step_count", (int64_t)s->ndec);
	cv_json_add_int(sum, "blocked_actions", (int64_t)t.out[CV_OUT_BLOCK]);
	cv_json_add_int(sum, "approval_required_actions",
	    (int64_t)t.out[CV_OUT_APPROVAL]);
	cv_json_add_int(sum, "warned_actions", (int64_t)t.out[CV_OUT_WARN]);
	cv_json_add_int(sum, "critical_or_high_steps",
	    (int64_t)(t.sev[CV_SEV_CRITICAL] + t.sev[CV_SEV_HIGH]));
	cv_json_add_str(sum, "evidence_confidence", cv_aispm_confidence(&t));
	out = json_object_new_object();
	json_object_object_add(out, "session", se);
	json_object_object_add(out, "summary", sum);
	json_object_object_add(out, "steps", steps);
	json_object_object_add(out, "evidence_refs", jstrv(refs.v, refs.n,
	    0));
	return out;
}

/*
 * One approval lineage item: the approval's public fields, actors as
 * role labels, and the public view of its decision (the stored one, else
 * the copy the approval holds).
 */
struct json_object *
aispm_lineage_item(struct cv_arena *a, struct json_object *apr,
    struct json_object *stored)
{
	struct json_object	*o, *dec, *src;
	struct cv_aispm_dec	 d;
	const char		*id, *s;
	size_t			 n;
	const char *const	*refs;

	src = stored;
	if (src == NULL && !json_object_is_type(src = json_object_object_get(
	    apr, "decision"), json_type_object))
		src = NULL;
	if (src != NULL)
		cv_aispm_dec_read(a, src, &d);
	else {
		src = json_object_new_object();
		cv_aispm_dec_read(a, src, &d);
		json_object_put(src);
		d.rec = NULL;
	}
	id = cv_aispm_str(a, apr, "approval_id");
	o = json_object_new_object();
	cv_json_add_str(o, "lineage_id", cv_arena_printf(a, "lineage-%s",
	    dflt(id, "unknown")));
	cv_json_add_str(o, "approval_id", id);
	s = cv_aispm_str(a, apr, "decision_id");
	cv_json_add_str(o, "decision_id", s != NULL && *s != '\0' ? s :
	    d.decision_id);
	s = cv_aispm_str(a, apr, "session_id");
	cv_json_add_str(o, "session_id", s != NULL && *s != '\0' ? s :
	    d.session_id);
	cv_json_add_str(o, "state", dflt(cv_aispm_str(a, apr, "state"),
	    "unknown"));
	cv_json_add_str(o, "approver_group", dflt(cv_aispm_str(a, apr,
	    "approver_group"), "unassigned"));
	cv_json_add_str(o, "requested_by", cv_aispm_actor_label(a,
	    cv_aispm_str(a, apr, "requested_by")));
	cv_json_add_str(o, "decided_by", cv_aispm_actor_label(a,
	    cv_aispm_str(a, apr, "decided_by")));
	cv_json_add_str(o, "requested_at", cv_aispm_str(a, apr,
	    "requested_at"));
	cv_json_add_str(o, "decided_at", cv_aispm_str(a, apr, "decided_at"));
	cv_json_add_str(o, "expires_at", cv_aispm_str(a, apr, "expires_at"));
	cv_json_add_str(o, "external_ref", cv_aispm_str(a, apr,
	    "external_ref"));
	cv_json_add_bool(o, "break_glass", cv_json_truthy(
	    json_object_object_get(apr, "break_glass")));
	dec = json_object_new_object();
	cv_json_add_str(dec, "action_type", dflt(d.action_type, "unknown"));
	cv_json_add_str(dec, "target_summary", d.tgt.summary);
	cv_json_add_str(dec, "risk_classification", cv_aispm_risk_name(d.risk));
	cv_json_add_str(dec, "control_surface",
	    cv_aispm_surfaces[d.surface].id);
	cv_json_add_str(dec, "severity", dflt(d.severity, "low"));
	cv_json_add_str(dec, "repository", REPO(&d));
	cv_json_add_str(dec, "policy_pack", PACK(&d));
	cv_json_add_str(dec, "rule_id", dflt(d.rule_id, "runtime.default"));
	json_object_object_add(o, "decision", dec);
	refs = cv_aispm_refs(a, json_object_object_get(apr, "evidence_refs"),
	    &n);
	json_object_object_add(o, "evidence_refs", jstrv(refs, n, 0));
	add_strs(o, "redacted_fields", (const char *const[]){
	    "identity_provider_claims", "raw_rbac_context",
	    "connector_payloads", NULL });
	return o;
}

/* The 17 Enterprise capabilities: named, never served. */
static const char *const enterprise_caps[] = {
	"live multi-tenant ingestion",
	"prompt and reasoning trace capture",
	"tool-call graph",
	"full trace replay",
	"organization-wide control coverage",
	"kill switch and runtime overrides",
	"compliance exports and immutable retention",
	"private asset-graph and identity-aware pre-action forecasting",
	"prompt-derived semantic intent extraction and private workflow "
	    "correlation",
	"raw tool payload graphing and cross-system execution traces",
	"private asset, identity, cloud dependency, and permission "
	    "blast-radius enrichment",
	"organization-wide control coverage heatmap with private asset, owner, "
	    "and environment enrichment",
	"immutable evidence store validation, signature verification, and "
	    "external evidence correlation",
	"evidence retention proof, object-lock status, KMS status, and archive "
	    "lifecycle validation",
	"AI-assisted executive narratives with private tenant context and "
	    "trend history",
	"AI-assisted policy authoring with private prompt, ticket, asset, and "
	    "approval context",
	"CI write-back and tenant-history simulation for generated policy "
	    "tests",
	NULL
};

struct json_object *
aispm_enterprise_boundary(void)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_str(o, "status", AISPM_LOCKED);
	add_strs(o, "capabilities", enterprise_caps);
	cv_json_add_str(o, "private_package", AISPM_PACKAGE);
	return o;
}

struct json_object *
aispm_contract(void)
{
	static const char *const community[] = {
		"local activity posture summary",
		"public-safe sample dashboard",
		"decision timeline from local activity store",
		"risk finding summaries from stored decisions",
		"agent coverage summary from local sessions",
		"control coverage summary from observed local decisions",
		"near-miss queue for warnings and approval-gated actions",
		"public-safe trace replay packets from local session "
		    "decisions",
		"public-safe approval lineage from local approval records",
		"public-safe behavior fingerprints and drift signals from "
		    "local activity metadata",
		"policy context gap detection for decisions missing "
		    "business-critical metadata",
		"pre-action risk forecasts from local decision metadata "
		    "before agent execution",
		"intent-to-action drift detection from declared intent and "
		    "local decision metadata",
		"public-safe tool-chain graph from agent, tool, target, and "
		    "decision metadata",
		"agent blast-radius map from repositories, surfaces, tools, "
		    "policy packs, and approval metadata",
		"control coverage heatmap by agent, repository, and control "
		    "surface from local activity metadata",
		"evidence confidence drilldown for decision and session "
		    "evidence references",
		"evidence freshness and retention SLO summary from local "
		    "activity timestamps",
		"deterministic executive risk narrative from local posture "
		    "metrics",
		"read-only replay-to-policy draft suggestions from normalized "
		    "trace decisions",
		"read-only replay-to-policy test fixture exports for reviewed "
		    "policy drafts",
		NULL
	};
	static const char *const objects[] = { "posture_overview",
	    "agent_observability", "risk_findings", "execution_timeline",
	    "control_coverage", "near_miss_queue", "trace_replay_packet",
	    "approval_lineage", "behavior_fingerprints", "policy_context_gaps",
	    "pre_action_risk_forecasts", "intent_action_drift",
	    "tool_chain_graph", "agent_blast_radius",
	    "control_coverage_heatmap", "evidence_confidence_drilldown",
	    "evidence_freshness_slo", "executive_risk_narrative",
	    "replay_to_policy_draft", "replay_to_policy_tests",
	    "control_plane_readiness", NULL };
	static const char *const endpoints[] = { "posture", "agents",
	    "findings", "timeline", "control_coverage", "near_misses",
	    "trace_replay", "approval_lineage", "behavior_fingerprints",
	    "policy_context_gaps", "pre_action_risk_forecasts",
	    "intent_action_drift", "tool_chain_graph", "agent_blast_radius",
	    "control_coverage_heatmap", "evidence_confidence",
	    "evidence_freshness", "executive_risk_narrative",
	    "replay_to_policy_draft", "replay_to_policy_tests", NULL };
	struct json_object	*o, *c, *ep;
	const char *const	*k;
	char			 path[128], *p;

	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", "cavra.aispm.contract.v1");
	cv_json_add_str(o, "product", CV_PRODUCT);
	c = json_object_new_object();
	cv_json_add_str(c, "status", "available");
	add_strs(c, "capabilities", community);
	add_strs(c, "data_provenance", (const char *const[]){
	    "local_activity_store", "sample_data", NULL });
	json_object_object_add(o, "community_boundary", c);
	json_object_object_add(o, "enterprise_boundary",
	    aispm_enterprise_boundary());
	add_strs(o, "objects", objects);
	ep = json_object_new_object();
	for (k = endpoints; *k != NULL; k++) {
		snprintf(path, sizeof(path), "/aispm/%s", *k);
		for (p = path; *p != '\0'; p++)
			if (*p == '_')
				*p = '-';
		if (strcmp(*k, "trace_replay") == 0)
			snprintf(p, sizeof(path) - (size_t)(p - path),
			    "/{session_id}");
		cv_json_add_str(ep, *k, path);
	}
	json_object_object_add(o, "endpoints", ep);
	return o;
}

struct json_object *
aispm_envelope(const char *schema_version, const char *mode,
    const char *provenance, const char *now)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", schema_version);
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_str(o, "edition", "community");
	cv_json_add_str(o, "mode", mode);
	cv_json_add_str(o, "data_provenance", provenance);
	cv_json_add_str(o, "tracking", "none");
	cv_json_add_str(o, "telemetry", "disabled");
	cv_json_add_str(o, "generated_at", now);
	return o;
}

/*
 * The posture packet: the envelope, every piece over the one set, and
 * the Enterprise boundary.
 */
struct json_object *
aispm_posture(const struct aispm_set *s, const char *mode,
    const char *provenance, struct json_object *filters,
    struct json_object *lineage, const char *scope)
{
	struct json_object	*o, *overview, *findings, *fresh, *heat;
	struct json_object	*conf;

	findings = aispm_findings(s);
	overview = aispm_overview(s);
	fresh = aispm_freshness(s);
	o = aispm_envelope("cavra.aispm.dashboard.v1", mode, provenance,
	    s->now);
	json_object_object_add(o, "filters", filters);
	json_object_object_add(o, "overview", overview);
	json_object_object_add(o, "agents", aispm_agents(s));
	json_object_object_add(o, "findings", findings);
	json_object_object_add(o, "timeline", aispm_timeline(s));
	json_object_object_add(o, "control_coverage", aispm_coverage(s));
	json_object_object_add(o, "near_misses", aispm_near_misses(s));
	json_object_object_add(o, "approval_lineage", lineage != NULL ?
	    lineage : json_object_new_array());
	json_object_object_add(o, "behavior_fingerprints",
	    aispm_fingerprints(s, NULL));
	json_object_object_add(o, "policy_context_gaps",
	    aispm_context_gaps(s, NULL));
	json_object_object_add(o, "pre_action_risk_forecasts",
	    aispm_forecasts(s, NULL));
	json_object_object_add(o, "intent_action_drift", aispm_drift(s, NULL));
	json_object_object_add(o, "tool_chain_graph", aispm_tool_chain(s,
	    NULL));
	json_object_object_add(o, "agent_blast_radius", aispm_blast_radius(s,
	    NULL));
	heat = aispm_heatmap(s, NULL);
	json_object_object_add(o, "control_coverage_heatmap", heat);
	conf = aispm_confidence(s);
	json_object_object_add(o, "evidence_confidence_drilldown", conf);
	json_object_object_add(o, "evidence_freshness_slo", fresh);
	json_object_object_add(o, "executive_risk_narrative",
	    aispm_narrative(s, findings, overview, fresh));
	json_object_object_add(o, "replay_to_policy_draft", aispm_draft(s,
	    scope));
	json_object_object_add(o, "control_plane", aispm_control_plane(s));
	json_object_object_add(o, "enterprise_unlocks",
	    aispm_enterprise_boundary());
	return o;
}

/* Adds the redaction map {key: LOCKED...} of an endpoint to o. */
void
aispm_redaction(struct json_object *o, const char *const *keys)
{
	add_locked(o, "redaction", keys);
}
