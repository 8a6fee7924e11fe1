/*
 * The governance workflow engine: one function per step type, over JSON
 * records, parameterised by the chain tables of the responder
 * (cv_workflow.h, workflows.md §5-6).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cv_arena.h"
#include "cv_crypto.h"
#include "cv_json.h"
#include "cv_util.h"
#include "cv_wfstep.h"
#include "cv_workflow.h"

#define KEY_SEP		"\x1f"	/* joins the parts of a grouping key */
#define MAX_ATTEMPTS_DEFAULT	3
#define MULTIPLIER_DEFAULT	2.0

static const char *const retry_controls[] = {
	"retry decisions are derived from persisted connector delivery "
	"evidence only",
	"connector configuration and secrets are never copied into records",
	"suppressed retries need an operator before they run again",
	NULL
};

static const char *const health_recommendations[] = {
	"run the retry worker on its schedule",
	"review retryable connector deliveries",
	"check connector endpoints that keep failing",
	"refresh the retry plan when it is stale",
	NULL
};

void
cv_wf_ts(char *buf, size_t len, time_t sec, long usec)
{
	struct tm	 tm;
	size_t		 n;

	gmtime_r(&sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%06ld+00:00", usec);
}

int
cv_wf_ts_parse(const char *s, time_t *out)
{
	struct tm	 tm;
	int		 n = 0;

	if (s == NULL)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n != 19)
		return -1;
	s += n;
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++)
			continue;
	if (*s != '\0' && strcmp(s, "Z") != 0 && strcmp(s, "+00:00") != 0)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return 0;
}

/* "<prefix>-" and the first CV_WF_ID_HEX digits of hex. */
static const char *
prefixed(struct cv_arena *a, const char *prefix, const char *hex)
{
	return cv_arena_printf(a, "%s-%.*s", prefix, CV_WF_ID_HEX, hex);
}

const char *
cv_wf_id(struct cv_arena *a, const char *prefix, struct json_object *m,
    const char **hash)
{
	const char	*text, *hex;

	text = cv_json_canonical(a, m);
	hex = cv_sha256_hex(a, text, strlen(text));
	if (hash != NULL)
		*hash = hex;
	return prefixed(a, prefix, hex);
}

const char *
cv_wf_id_text(struct cv_arena *a, const char *prefix, const char *text)
{
	return prefixed(a, prefix, cv_sha256_hex(a, text, strlen(text)));
}

char *
cv_wf_norm(struct cv_arena *a, const char *s)
{
	char	*out, *p;
	size_t	 n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	out = cv_arena_strndup(a, s, n);
	for (p = out; *p != '\0'; p++)
		*p = *p == '-' ? '_' : (char)tolower((unsigned char)*p);
	return out;
}

enum cv_err
cv_wf_state(struct cv_arena *a, const struct cv_wf_vocab *v,
    const char *given, const char **out, char *err, size_t errlen)
{
	const char	*w;

	w = given == NULL || *given == '\0' ? v->dflt : cv_wf_norm(a, given);
	if (!cv_strv_has(v->allowed, w)) {
		snprintf(err, errlen, "%s must be one of: %s", v->field,
		    cv_arena_join(a, v->allowed));
		return CV_EINVAL;
	}
	*out = w;
	return CV_OK;
}

int
cv_wf_done(const struct cv_wf_vocab *v, const char *word)
{
	return word != NULL && cv_strv_has(v->done, word);
}

struct json_object *
cv_wf_record_new(const struct cv_wf_kind *k, struct json_object *payload,
    const char *created_at, const char *signer, const int64_t counts[3],
    const char *const *index)
{
	struct json_object	*rec, *v;

	rec = json_object_new_object();
	cv_json_add_str(rec, "session_id", cv_json_str_or(payload,
	    k->id_field, ""));
	cv_json_add_str(rec, "created_at", created_at);
	cv_json_add_str(rec, "signer", signer);
	cv_json_add_int(rec, "decision_count", counts[0]);
	cv_json_add_int(rec, "blocked_count", counts[1]);
	cv_json_add_int(rec, "approval_required_count", counts[2]);
	cv_json_add_str(rec, "metadata_kind", k->kind);
	for (; index != NULL && *index != NULL; index++)
		if (json_object_object_get_ex(payload, *index, &v))
			json_object_object_add(rec, *index,
			    json_object_get(v));
	json_object_object_add(rec, k->payload_key, json_object_get(payload));
	return rec;
}

/* Lower-case slug: runs of other than [a-z0-9] as one '-'. */
static char *
slug(struct cv_arena *a, const char *s)
{
	char	*out, *p;
	int	 dash = 0;

	out = p = cv_arena_alloc(a, strlen(s) + 1);
	for (; *s != '\0'; s++) {
		if (isalnum((unsigned char)*s) && (unsigned char)*s < 0x80) {
			if (dash && p > out)
				*p++ = '-';
			dash = 0;
			*p++ = (char)tolower((unsigned char)*s);
		} else
			dash = 1;
	}
	*p = '\0';
	return out;
}

struct json_object *
cv_wf_rcd_new(struct cv_arena *a, struct json_object *result,
    const char *src)
{
	struct json_object	*rec, *dels, *d, *provs, *failed, *codes, *v;
	const char		*event_id, *gen, *hex;
	char			*m;
	struct cv_text		 names = { NULL, 0, 0 };
	int64_t			 attempts = 0, maxatt = 0, n;
	size_t			 i;

	event_id = cv_json_str_or(result, "event_id", "");
	gen = cv_json_str_or(result, "generated_at", "");
	provs = json_object_new_array();
	failed = json_object_new_array();
	codes = json_object_new_array();
	if (cv_json_arr(result, "deliveries", &dels) != CV_JGET_OK)
		dels = NULL;
	for (i = 0; dels != NULL && i < json_object_array_length(dels); i++) {
		d = json_object_array_get_idx(dels, i);
		v = json_object_object_get(d, "provider");
		json_object_array_add(provs, json_object_get(v));
		cv_text_printf(&names, "%s%s", i > 0 ? "," : "",
		    json_object_get_string(v));
		if (!json_object_get_boolean(json_object_object_get(d,
		    "success")))
			json_object_array_add(failed, json_object_get(v));
		json_object_array_add(codes, json_object_get(
		    json_object_object_get(d, "status_code")));
		n = json_object_get_int64(json_object_object_get(d,
		    "attempt_count"));
		attempts += n;
		if (n > maxatt)
			maxatt = n;
	}
	m = cv_arena_printf(a, "%s|%s|%s", event_id, gen, names.p != NULL ?
	    names.p : "");
	hex = cv_sha256_hex(a, m, strlen(m));
	free(names.p);
	rec = json_object_new_object();
	cv_json_add_str(rec, "session_id", cv_arena_printf(a, "rcd-%s-%.12s",
	    slug(a, event_id), hex));
	cv_json_add_str(rec, "created_at", gen);
	cv_json_add_str(rec, "signer", src);
	cv_json_add_int(rec, "decision_count", 0);
	cv_json_add_int(rec, "blocked_count",
	    (int64_t)json_object_array_length(failed));
	cv_json_add_int(rec, "approval_required_count", 0);
	cv_json_add_str(rec, "metadata_kind", CV_WF_RCD_KIND);
	cv_json_add_str(rec, "connector_delivery_source", src);
	cv_json_add_str(rec, "event_id", event_id);
	json_object_object_add(rec, "event_type", json_object_get(
	    json_object_object_get(result, "event_type")));
	cv_json_add_bool(rec, "delivery_success", json_object_get_boolean(
	    json_object_object_get(result, "success")));
	json_object_object_add(rec, "providers", provs);
	json_object_object_add(rec, "failed_providers", failed);
	cv_json_add_int(rec, "attempt_count", attempts);
	cv_json_add_int(rec, "max_attempt_count", maxatt);
	json_object_object_add(rec, "status_codes", codes);
	json_object_object_add(rec, "delivery", json_object_get(result));
	return rec;
}

/* A number member: *out unchanged when absent; -1 for another type. */
static int
num(struct json_object *o, const char *k1, const char *k2, double *out)
{
	struct json_object	*v = NULL;

	if (o == NULL)
		return 0;
	if (!json_object_object_get_ex(o, k1, &v) || v == NULL)
		if (k2 == NULL || !json_object_object_get_ex(o, k2, &v))
			v = NULL;
	if (v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_int) &&
	    !json_object_is_type(v, json_type_double))
		return -1;
	*out = json_object_get_double(v);
	return 0;
}

enum cv_err
cv_wf_policy_read(const struct cv_wf_chain *c, struct json_object *p,
    struct cv_wf_policy *pol, char *err, size_t errlen)
{
	double	 max = MAX_ATTEMPTS_DEFAULT, delay = -1;
	double	 mult = MULTIPLIER_DEFAULT;
	int	 imm = 0;

	if (p != NULL && cv_json_bool(p, "allow_immediate_retry", &imm) ==
	    CV_JGET_TYPE) {
		snprintf(err, errlen, "allow_immediate_retry must be a "
		    "boolean");
		return CV_EINVAL;
	}
	if (num(p, "max_retry_attempts", "max_retries", &max) == -1 ||
	    num(p, "retry_delay_minutes", "delay_minutes", &delay) == -1 ||
	    num(p, "backoff_multiplier", "multiplier", &mult) == -1) {
		snprintf(err, errlen, "retry policy values must be numbers");
		return CV_EINVAL;
	}
	pol->allow_immediate = imm;
	pol->max_attempts = max < 1 ? 1 : max > INT32_MAX ? INT32_MAX :
	    (int)max;
	if (delay < 0)
		delay = imm ? 0 : c->retry_delay;
	if (!imm && delay < 1)
		delay = 1;
	pol->delay = delay;
	pol->multiplier = mult < 1 ? 1 : mult;
	return CV_OK;
}

/* The value of chain key k of an RCD; "" when none. */
static const char *
key_value(const struct cv_wf_key *k, struct json_object *rcd)
{
	const char	*v;
	size_t		 i;

	if (cv_json_str(rcd, k->field, &v) == CV_JGET_OK && *v != '\0')
		return v;
	for (i = 0; i < sizeof(k->alt) / sizeof(k->alt[0]); i++)
		if (k->alt[i] != NULL && cv_json_str(rcd, k->alt[i], &v) ==
		    CV_JGET_OK && *v != '\0')
			return v;
	return "";
}

/* A failure group while a plan is built. */
struct group {
	const char		*key;
	const char		*provider;
	struct json_object	*latest;	/* newest failure (borrowed) */
	int			 count;
};

static int
group_cmp(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->key,
	    ((const struct group *)b)->key);
}

const char *
cv_wf_alert_level(struct json_object *alerts)
{
	const char	*sev;
	size_t		 i;
	int		 any = 0;

	for (i = 0; i < json_object_array_length(alerts); i++) {
		sev = cv_json_str_or(json_object_array_get_idx(alerts, i),
		    "severity", "");
		if (strcmp(sev, "critical") == 0)
			return "critical";
		any = 1;
	}
	return any ? "warning" : "healthy";
}

struct json_object *
cv_wf_retry_plan(struct cv_arena *a, const struct cv_wf_chain *c,
    struct json_object *rcds, const struct cv_wf_policy *pol,
    struct timespec at_ts, const char *generated_by)
{
	time_t			 now = at_ts.tv_sec;
	struct json_object	*plan, *rows, *row, *r, *provs, *m, *codes;
	struct group		*g;
	const char		*src, *p, *key, *id, *at;
	char			 gen[CV_WF_TS_LEN], next[CV_WF_TS_LEN];
	size_t			 n = 0, cap, i, j, k;
	int64_t			 retry = 0, wait = 0, supp = 0;
	double			 delay;
	time_t			 t;

	cap = 1;
	for (i = 0; i < json_object_array_length(rcds); i++) {
		r = json_object_array_get_idx(rcds, i);
		if (cv_json_arr(r, "providers", &provs) == CV_JGET_OK)
			cap += json_object_array_length(provs);
	}
	g = cv_arena_alloc(a, cap * sizeof(*g));
	for (i = 0; i < json_object_array_length(rcds); i++) {
		r = json_object_array_get_idx(rcds, i);
		src = cv_json_str_or(r, "connector_delivery_source", "");
		if (strcmp(src, c->src) != 0 || json_object_get_boolean(
		    json_object_object_get(r, "delivery_success")))
			continue;
		if (cv_json_arr(r, "failed_providers", &provs) != CV_JGET_OK ||
		    json_object_array_length(provs) == 0)
			if (cv_json_arr(r, "providers", &provs) != CV_JGET_OK)
				continue;
		for (j = 0; j < json_object_array_length(provs) && n < cap;
		    j++) {
			p = json_object_get_string(
			    json_object_array_get_idx(provs, j));
			if (p == NULL)
				continue;
			p = cv_wf_norm(a, p);
			key = "";
			for (k = 0; k < CV_WF_KEYS_MAX && c->keys[k].field !=
			    NULL; k++)
				key = cv_arena_printf(a, "%s%s" KEY_SEP, key,
				    key_value(&c->keys[k], r));
			key = cv_arena_printf(a, "%s%s", key, p);
			for (k = 0; k < n && strcmp(g[k].key, key) != 0; k++)
				continue;
			if (k == n) {
				g[n].key = key;
				g[n].provider = p;
				g[n].latest = r;
				g[n++].count = 0;
			}
			g[k].count++;
			if (strcmp(cv_json_str_or(r, "created_at", ""),
			    cv_json_str_or(g[k].latest, "created_at", "")) > 0)
				g[k].latest = r;
		}
	}
	qsort(g, n, sizeof(*g), group_cmp);
	cv_wf_ts(gen, sizeof(gen), now, at_ts.tv_nsec / 1000);
	rows = json_object_new_array();
	for (i = 0; i < n; i++) {
		row = json_object_new_object();
		for (k = 0; k < CV_WF_KEYS_MAX && c->keys[k].field != NULL;
		    k++)
			cv_json_add_str(row, c->keys[k].field,
			    key_value(&c->keys[k], g[i].latest));
		cv_json_add_str(row, "provider", g[i].provider);
		delay = pol->delay;
		for (k = 1; k < (size_t)g[i].count; k++)
			delay *= pol->multiplier;
		at = cv_json_str_or(g[i].latest, "created_at", "");
		if (cv_wf_ts_parse(at, &t) != 0)
			t = now;
		else
			t += (time_t)(delay * 60);
		cv_wf_ts(next, sizeof(next), t, 0);
		if (g[i].count >= pol->max_attempts) {
			cv_json_add_str(row, "action", "suppress");
			cv_json_add_str(row, "reason", cv_arena_printf(a,
			    "maximum retry attempts %d reached",
			    pol->max_attempts));
			supp++;
		} else if (now < t) {
			cv_json_add_str(row, "action", "wait");
			cv_json_add_str(row, "reason", cv_arena_printf(a,
			    "retry delay %d minutes has not elapsed",
			    (int)delay));
			wait++;
		} else {
			cv_json_add_str(row, "action", "retry");
			cv_json_add_str(row, "reason", "retry delay elapsed");
			retry++;
		}
		cv_json_add_int(row, "retry_count", g[i].count);
		cv_json_add_int(row, "max_retry_attempts", pol->max_attempts);
		cv_json_add_int(row, "retry_delay_minutes", (int64_t)delay);
		cv_json_add_str(row, "latest_delivery_id", cv_json_str_or(
		    g[i].latest, "session_id", ""));
		cv_json_add_str(row, "latest_delivery_at", at);
		cv_json_add_str(row, "next_retry_at", next);
		codes = json_object_object_get(g[i].latest, "status_codes");
		json_object_object_add(row, "failed_status_codes", codes !=
		    NULL ? json_object_get(codes) : json_object_new_array());
		json_object_array_add(rows, row);
	}
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", gen);
	json_object_object_add(m, "retry_decisions", json_object_get(rows));
	id = cv_wf_id(a, c->retry.prefix, m, NULL);
	json_object_put(m);
	plan = json_object_new_object();
	cv_json_add_str(plan, "schema_version", c->retry.schema);
	cv_json_add_str(plan, "retry_plan_id", id);
	cv_json_add_str(plan, "generated_at", gen);
	cv_json_add_str(plan, "generated_by", generated_by);
	cv_json_add_str(plan, "alert_level", retry > 0 ? "critical" : wait > 0 ?
	    "warning" : "healthy");
	cv_json_add_int(plan, "decision_count", (int64_t)n);
	cv_json_add_int(plan, "retryable_count", retry);
	cv_json_add_int(plan, "waiting_count", wait);
	cv_json_add_int(plan, "suppressed_count", supp);
	cv_json_add_int(plan, "max_retry_attempts", pol->max_attempts);
	json_object_object_add(plan, "base_retry_delay_minutes",
	    json_object_new_double(pol->delay));
	cv_json_add_bool(plan, "allow_immediate_retry", pol->allow_immediate);
	json_object_object_add(plan, "backoff_multiplier",
	    json_object_new_double(pol->multiplier));
	json_object_object_add(plan, "retry_decisions", rows);
	cv_json_add_strv(plan, "controls", retry_controls);
	return plan;
}

void
cv_wf_window(time_t now, int interval, time_t *start, time_t *end)
{
	struct tm	 tm;

	gmtime_r(&now, &tm);
	tm.tm_sec = 0;
	if (interval < 60)
		tm.tm_min -= tm.tm_min % (interval > 0 ? interval : 1);
	else
		tm.tm_min = 0;
	*start = timegm(&tm);
	*end = *start + (time_t)interval * 60;
}

/* Whether record r's field f equals decision d's (providers normalised). */
static int
same(struct cv_arena *a, struct json_object *r, struct json_object *d,
    const char *f)
{
	const char	*x = cv_json_str_or(r, f, ""), *y = cv_json_str_or(d, f,
	    "");

	if (strcmp(f, "provider") == 0)
		return strcmp(cv_wf_norm(a, x), cv_wf_norm(a, y)) == 0;
	return strcmp(x, y) == 0;
}

struct json_object *
cv_wf_gate_match(const struct cv_wf_gate *gt, struct json_object *gates,
    struct json_object *d)
{
	struct cv_arena		 a;
	struct json_object	*r, *hit = NULL;
	const char *const	*k;
	size_t			 i;

	cv_arena_init(&a);
	for (i = 0; hit == NULL && i < json_object_array_length(gates); i++) {
		r = json_object_array_get_idx(gates, i);
		if (strcmp(cv_json_str_or(r, "metadata_kind", ""), gt->kind) !=
		    0 || !cv_strv_has(gt->states, cv_json_str_or(r,
		    gt->state_field, "")))
			continue;
		for (k = gt->keys; *k != NULL && same(&a, r, d, *k); k++)
			continue;
		if (*k == NULL)
			hit = r;
	}
	cv_arena_free(&a);
	return hit;
}

void
cv_wf_select(const struct cv_wf_chain *c, struct json_object *plan,
    struct json_object *gates, int dry_run, int max,
    struct json_object **selected, struct json_object **follow, int *pending)
{
	struct json_object	*rows, *d, *f;
	const char		*action, *state;
	size_t			 i, k;
	int			 ok;

	*selected = json_object_new_array();
	*follow = json_object_new_array();
	*pending = 0;
	if (cv_json_arr(plan, "retry_decisions", &rows) != CV_JGET_OK)
		return;
	for (i = 0; i < json_object_array_length(rows); i++) {
		d = json_object_array_get_idx(rows, i);
		action = cv_json_str_or(d, "action", "");
		ok = dry_run || c->gate == NULL || gates == NULL ? 1 :
		    cv_wf_gate_match(c->gate, gates, d) != NULL;
		if (strcmp(action, "retry") == 0) {
			if (ok && (int)json_object_array_length(*selected) <
			    max)
				json_object_array_add(*selected,
				    json_object_get(d));
			else if (!ok)
				(*pending)++;
		}
		f = json_object_new_object();
		cv_json_add_str(f, "action", action);
		cv_json_add_str(f, "provider", cv_json_str_or(d, "provider",
		    ""));
		for (k = 0; k < CV_WF_KEYS_MAX && c->keys[k].field != NULL;
		    k++)
			cv_json_add_str(f, c->keys[k].field, cv_json_str_or(d,
			    c->keys[k].field, ""));
		cv_json_add_str(f, "reason", cv_json_str_or(d, "reason", ""));
		if (c->gate != NULL) {
			state = dry_run ? "dry_run_not_required" : ok ?
			    c->gate->ok_word : c->gate->missing_word;
			cv_json_add_str(f, c->gate->row_state, state);
		} else
			cv_json_add_str(f, "execution_state", dry_run ?
			    "dry_run" : strcmp(action, "retry") == 0 ?
			    "selected_for_retry" : "not_selected");
		json_object_array_add(*follow, f);
	}
}

/* x (>= 0) rounded to two decimals. */
static double
hundredths(double x)
{
	return (double)(int64_t)(x * 100 + 0.5) / 100;
}

/* Age in minutes of record r at now; -1 when its time is not one. */
static double
age_minutes(struct json_object *r, time_t now)
{
	time_t	 t;

	if (r == NULL || cv_wf_ts_parse(cv_json_str_or(r, "created_at", NULL),
	    &t) != 0)
		return -1;
	return (double)(now - t) / 60.0;
}

struct json_object *
cv_wf_worker_health(struct cv_arena *a, const struct cv_wf_chain *c,
    const char *prefix, struct json_object *runs, struct json_object *plans,
    struct json_object *rcds, int interval, int stale, struct timespec at_ts)
{
	time_t			 now = at_ts.tv_sec;
	struct json_object	*h, *alerts, *failed, *latest, *r, *p, *sch, *m;
	int64_t			 retryable = 0, sel = 0, disabled = 0, nfail = 0;
	const char		*src;
	char			 gen[CV_WF_TS_LEN];
	double			 run_age, plan_age;
	int			 missed, stale_plan, en;
	size_t			 i;

	for (i = 0; i < json_object_array_length(runs); i++) {
		r = json_object_array_get_idx(runs, i);
		retryable += json_object_get_int64(json_object_object_get(r,
		    "retryable_count"));
		sel += json_object_get_int64(json_object_object_get(r,
		    "selected_retry_count"));
		if ((p = cv_wf_payload_or_null(r,
		    c->worker.payload_key)) != NULL && cv_json_obj(p,
		    "schedule", &sch) == CV_JGET_OK && cv_json_bool(sch,
		    "enabled", &en) == CV_JGET_OK && !en)
			disabled++;
	}
	failed = json_object_new_array();
	for (i = 0; i < json_object_array_length(rcds); i++) {
		r = json_object_array_get_idx(rcds, i);
		src = cv_json_str_or(r, "connector_delivery_source", "");
		if (strcmp(src, c->src) != 0 || json_object_get_boolean(
		    json_object_object_get(r, "delivery_success")))
			continue;
		if (nfail++ < CV_WF_FAILED_SHOWN_MAX)
			json_object_array_add(failed, json_object_get(r));
	}
	latest = json_object_array_length(runs) > 0 ?
	    json_object_array_get_idx(runs, 0) : NULL;
	run_age = age_minutes(latest, now);
	missed = latest == NULL || run_age > 2.0 * interval;
	p = json_object_array_length(plans) > 0 ?
	    json_object_array_get_idx(plans, 0) : NULL;
	plan_age = age_minutes(p, now);
	stale_plan = p == NULL || plan_age > stale;
	alerts = json_object_new_array();
	cv_wf_alert_if(alerts, missed, "critical", "missed_worker_run",
	    "no worker run within twice the expected interval");
	cv_wf_alert_if(alerts, retryable > 0, "warning", "retryable_deliveries",
	    "worker runs reported retryable deliveries");
	cv_wf_alert_if(alerts, nfail > 0, "warning", "connector_failure",
	    "connector deliveries failed");
	cv_wf_alert_if(alerts, stale_plan, "warning", "stale_retry_plan",
	    "no retry plan within the stale metadata window");
	cv_wf_alert_if(alerts, disabled > 0, "warning", "disabled_schedule",
	    "a worker schedule is disabled");
	cv_wf_ts(gen, sizeof(gen), now, at_ts.tv_nsec / 1000);
	h = json_object_new_object();
	cv_json_add_str(h, "generated_at", gen);
	cv_json_add_int(h, "expected_interval_minutes", interval);
	cv_json_add_int(h, "stale_metadata_minutes", stale);
	cv_json_add_int(h, "run_count", (int64_t)json_object_array_length(
	    runs));
	cv_json_add_int(h, "retry_plan_count", (int64_t)
	    json_object_array_length(plans));
	cv_json_add_int(h, "retryable_count", retryable);
	cv_json_add_int(h, "selected_retry_count", sel);
	cv_json_add_int(h, "missed_run_count", missed);
	cv_json_add_int(h, "failed_job_count", 0);
	cv_json_add_int(h, "disabled_schedule_count", disabled);
	cv_json_add_int(h, "stale_retry_plan_count", stale_plan);
	cv_json_add_int(h, "connector_delivery_failure_count", nfail);
	cv_json_add_str(h, "latest_run_id", latest != NULL ?
	    cv_json_str_or(latest, "session_id", NULL) : NULL);
	cv_json_add_str(h, "latest_run_at", latest != NULL ?
	    cv_json_str_or(latest, "created_at", NULL) : NULL);
	json_object_object_add(h, "latest_run_age_minutes", run_age < 0 ?
	    NULL : json_object_new_double(hundredths(run_age)));
	cv_json_add_str(h, "latest_retry_plan_id", p != NULL ?
	    cv_json_str_or(p, "session_id", NULL) : NULL);
	json_object_object_add(h, "latest_retry_plan_age_minutes", plan_age <
	    0 ? NULL : json_object_new_double(hundredths(plan_age)));
	json_object_object_add(h, "failed_deliveries", failed);
	cv_json_add_str(h, "alert_level", cv_wf_alert_level(alerts));
	cv_json_add_int(h, "alert_count", (int64_t)json_object_array_length(
	    alerts));
	json_object_object_add(h, "alerts", alerts);
	cv_json_add_strv(h, "recommendations", health_recommendations);
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", gen);
	json_object_object_add(m, "latest_run_id", json_object_get(
	    json_object_object_get(h, "latest_run_id")));
	cv_json_add_int(m, "retryable_count", retryable);
	json_object_object_add(m, "alerts", json_object_get(alerts));
	cv_json_add_str(h, "health_id", cv_wf_id(a, prefix, m, NULL));
	json_object_put(m);
	return h;
}

/* Whether the list holds s. */
static int
has(const char *const *list, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

struct json_object *
cv_wf_alert_plan(struct cv_arena *a, const struct cv_wf_alert *al,
    struct json_object *health, struct json_object *rcds,
    const char *const *available, const char *requested, int window,
    int force, struct timespec at_ts, const char *generated_by)
{
	time_t			 now = at_ts.tv_sec;
	struct json_object	*plan, *elig, *sel, *supp, *m, *r;
	const char		*hid, *level, **req = NULL, *p;
	char			*tok, *save, *copy, gen[CV_WF_TS_LEN],
				 since[CV_WF_TS_LEN];
	const char		*webhook[] = { "webhook", NULL };
	size_t			 nreq = 0, i, j;
	int			 hit;

	if (available == NULL || *available == NULL)
		available = webhook;
	if (window < 1)
		window = 1;
	hid = cv_json_str_or(health, "health_id", "");
	level = cv_json_str_or(health, "alert_level", "healthy");
	cv_wf_ts(gen, sizeof(gen), now, at_ts.tv_nsec / 1000);
	cv_wf_ts(since, sizeof(since), now - (time_t)window * 60, 0);
	if (requested != NULL && strcmp(requested, "all") != 0) {
		copy = cv_arena_strdup(a, requested);
		req = cv_arena_alloc(a, (strlen(copy) / 2 + 2) * sizeof(*req));
		for (tok = strtok_r(copy, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save))
			if (*(p = cv_wf_norm(a, tok)) != '\0')
				req[nreq++] = p;
	}
	elig = json_object_new_array();
	sel = json_object_new_array();
	supp = json_object_new_array();
	for (i = 0; available[i] != NULL; i++) {
		p = cv_wf_norm(a, available[i]);
		if (req != NULL && !has(req, nreq, p))
			continue;
		json_object_array_add(elig, json_object_new_string(p));
		hit = 0;
		for (j = 0; !force && !hit &&
		    j < json_object_array_length(rcds); j++) {
			r = json_object_array_get_idx(rcds, j);
			hit = strcmp(cv_json_str_or(r,
			    "connector_delivery_source", ""), al->src) == 0 &&
			    strcmp(cv_json_str_or(r, "event_id", ""), hid) ==
			    0 && strcmp(cv_json_str_or(r, "created_at", ""),
			    since) >= 0 && cv_json_has_str(
			    json_object_object_get(r, "providers"), p);
		}
		if (hit)
			json_object_array_add(supp, json_object_new_string(p));
		else if (strcmp(level, "healthy") != 0)
			json_object_array_add(sel, json_object_new_string(p));
	}
	m = json_object_new_object();
	cv_json_add_str(m, "health_id", hid);
	cv_json_add_str(m, "generated_at", gen);
	json_object_object_add(m, "eligible", json_object_get(elig));
	json_object_object_add(m, "selected", json_object_get(sel));
	plan = json_object_new_object();
	cv_json_add_str(plan, "schema_version", al->plan.schema);
	cv_json_add_str(plan, "plan_id", cv_wf_id(a, al->plan.prefix, m,
	    NULL));
	json_object_put(m);
	cv_json_add_str(plan, "health_id", hid);
	cv_json_add_str(plan, "generated_at", gen);
	cv_json_add_str(plan, "generated_by", generated_by);
	cv_json_add_str(plan, "alert_level", level);
	cv_json_add_str(plan, "requested_provider", requested != NULL ?
	    requested : "all");
	json_object_object_add(plan, "eligible_providers", elig);
	json_object_object_add(plan, "selected_providers", sel);
	json_object_object_add(plan, "acknowledgement_required_providers",
	    json_object_get(sel));
	json_object_object_add(plan, "suppressed_providers", supp);
	cv_json_add_int(plan, "suppressed_provider_count", (int64_t)
	    json_object_array_length(supp));
	cv_json_add_int(plan, "suppression_window_minutes", window);
	cv_json_add_bool(plan, "force", force);
	return plan;
}
