/*
 * cavra-activity: POST /decisions (evaluate an agent's action against a
 * policy pack, persist the decision and refresh its session), decision
 * and session lookups and lists, and session upserts.
 */
#include "config.h"

#include <linux/futex.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cavra.h"
#include "cv_journal.h"
#include "cv_policy.h"

#define DEFAULT_PACK	"cavra-ai-agent-baseline"

static struct cv_store	*activity;	/* per worker */
static struct cv_store	*registry;	/* per worker: MCP trust registry */

/* Values a stored decision may carry (reference store validator). */
static const char *const decisions[] = { "allow", "allow_with_attestation",
    "audit_only", "block", "require_approval", "warn", NULL };
static const char *const severities[] = { "low", "medium", "high",
    "critical", NULL };
static const char *const states[] = { "active", "completed", "failed",
    "archived", NULL };

/* The record's own keys, in response order; anything else a client sends
 * with POST /decisions is kept after them. */
static const char *const decision_keys[] = { "schema_version",
    "decision_id", "session_id", "agent_id", "actor", "repository",
    "action_type", "target", "requested_operation", "policy_pack",
    "policy_id", "rule_id", "decision", "severity", "reason",
    "evidence_refs", "approver_group", "timestamp", "correlation_id", NULL };

static int
in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* "a, b, c" of a NULL-terminated list, in the arena. */
static char *
join(struct cv_arena *a, const char *const *list)
{
	char	*s = cv_arena_strdup(a, "");

	for (; *list != NULL; list++)
		s = cv_arena_printf(a, "%s%s%s", s, *s ? ", " : "", *list);
	return s;
}

/*
 * Reads an optional scalar field as a string: a string as is, a number or
 * boolean as its JSON text (as the reference stringifies them); absent,
 * null or "" gives dflt.  An object or array fails with 422.
 */
static enum cv_err
scalar(struct cv_req *req, struct json_object *o, const char *key,
    const char *dflt, const char **out)
{
	struct json_object	*v;

	*out = dflt;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return CV_OK;
	switch (json_object_get_type(v)) {
	case json_type_object:
	case json_type_array:
		return cv_fail_field(req, CV_EUNPROC, key,
		    "%s must be a string", key);
	case json_type_string:
		if (json_object_get_string_len(v) > CV_FIELD_MAX)
			return cv_fail_field(req, CV_EUNPROC, key,
			    "%s is longer than %d bytes", key, CV_FIELD_MAX);
		if (json_object_get_string_len(v) > 0)
			*out = json_object_get_string(v);
		return CV_OK;
	default:
		*out = cv_json_key(req->arena, v);
		return CV_OK;
	}
}

/* Optional string field: absent or null gives dflt; anything but a
 * string fails with 422. */
static enum cv_err
string(struct cv_req *req, struct json_object *o, const char *key,
    const char *dflt, const char **out)
{
	switch (cv_json_str(o, key, out)) {
	case CV_JGET_ABSENT:
		*out = dflt;
		return CV_OK;
	case CV_JGET_TYPE:
		return cv_fail_field(req, CV_EUNPROC, key,
		    "%s must be a string", key);
	default:
		if (strlen(*out) > CV_FIELD_MAX)
			return cv_fail_field(req, CV_EUNPROC, key,
			    "%s is longer than %d bytes", key, CV_FIELD_MAX);
		return CV_OK;
	}
}

/*
 * Normalises evidence references: a string is a one-item list, a list
 * keeps its non-null items as strings, null or absent is [].  Returns a
 * new array, or NULL (with a 400 recorded) for any other type.
 */
static struct json_object *
evidence_refs(struct cv_req *req, struct json_object *v, const char *what)
{
	struct json_object	*a, *it;
	size_t			 i, n;

	a = json_object_new_array();
	if (v == NULL)
		return a;
	if (json_object_is_type(v, json_type_string)) {
		json_object_array_add(a, json_object_get(v));
		return a;
	}
	if (!json_object_is_type(v, json_type_array)) {
		json_object_put(a);
		cv_fail_field(req, CV_EINVAL, "evidence_refs", "invalid %s: "
		    "evidence_refs must be a string or a list", what);
		return NULL;
	}
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(v, i);
		if (it == NULL)
			continue;
		if (json_object_is_type(it, json_type_object) ||
		    json_object_is_type(it, json_type_array)) {
			json_object_put(a);
			cv_fail_field(req, CV_EINVAL, "evidence_refs",
			    "invalid %s: evidence_refs items must be strings",
			    what);
			return NULL;
		}
		json_object_array_add(a, json_object_is_type(it,
		    json_type_string) ? json_object_get(it) :
		    json_object_new_string(cv_json_key(req->arena, it)));
	}
	return a;
}

/*
 * Appends the strings of `add` that `dst` does not hold yet, then drops
 * the oldest entries past CV_SESSION_REFS_MAX: a session keeps the
 * references of its latest decisions (GET /decisions?session_id= lists
 * them all), so its record stays small however long it runs.
 */
static void
union_refs(struct json_object *dst, struct json_object *add)
{
	const char	*s;
	size_t		 i, j, n, len;
	int		 seen;

	n = json_object_array_length(add);
	for (i = 0; i < n; i++) {
		s = json_object_get_string(json_object_array_get_idx(add, i));
		if (s == NULL)
			continue;
		seen = 0;
		len = json_object_array_length(dst);
		for (j = 0; j < len && !seen; j++)
			seen = strcmp(s, json_object_get_string(
			    json_object_array_get_idx(dst, j))) == 0;
		if (!seen)
			json_object_array_add(dst, json_object_new_string(s));
	}
	len = json_object_array_length(dst);
	if (len > CV_SESSION_REFS_MAX)
		json_object_array_del_idx(dst, 0, len - CV_SESSION_REFS_MAX);
}

static enum cv_err
store_err(struct cv_req *req, enum cv_err rc)
{
	return cv_fail(req, rc, rc == CV_EBUSY ? "activity store is busy; "
	    "retry" : "activity store failed");
}

/*
 * Counts the session's decisions into sess: decision_count,
 * blocked_count, approval_required_count.  Inside the caller's
 * transaction, so the counts match what is stored.
 */
static enum cv_err
count_into(const char *sid, struct json_object *sess)
{
	static const struct {
		const char	*key;
		const char	*decision;
	} counts[] = {
		{ "decision_count", NULL },
		{ "blocked_count", "block" },
		{ "approval_required_count", "require_approval" },
	};
	struct cv_filter	 f[2] = { { "session_id", sid },
	    { "decision", NULL } };
	enum cv_err		 rc;
	size_t			 i, n;

	for (i = 0; i < nitems(counts); i++) {
		f[1].value = counts[i].decision;
		if ((rc = cv_store_count(activity, CV_COLL_DECISIONS, f,
		    counts[i].decision != NULL ? 2 : 1, &n)) != CV_OK)
			return rc;
		cv_json_add_int(sess, counts[i].key, (int64_t)n);
	}
	return CV_OK;
}

/*
 * Adds the n decisions ds to the counts of the stored session `old`,
 * whose counts already cover the session's earlier decisions.  Returns 0
 * when old lacks a count (then the caller recounts).
 */
static int
add_counts(struct json_object *old, struct json_object *const *ds,
    size_t n, struct json_object *s)
{
	const char	*dec;
	int64_t		 c, b, a;
	size_t		 i;

	if (cv_json_int(old, "decision_count", &c) != CV_JGET_OK ||
	    cv_json_int(old, "blocked_count", &b) != CV_JGET_OK ||
	    cv_json_int(old, "approval_required_count", &a) != CV_JGET_OK)
		return 0;
	for (i = 0; i < n; i++) {
		dec = cv_json_str_or(ds[i], "decision", "");
		c++;
		b += strcmp(dec, "block") == 0;
		a += strcmp(dec, "require_approval") == 0;
	}
	cv_json_add_int(s, "decision_count", c);
	cv_json_add_int(s, "blocked_count", b);
	cv_json_add_int(s, "approval_required_count", a);
	return 1;
}

/* Whether decision x comes after y in store order (timestamp, then id). */
static int
later(struct json_object *x, struct json_object *y)
{
	int	 c;

	c = strcmp(cv_json_str_or(x, "timestamp", ""),
	    cv_json_str_or(y, "timestamp", ""));
	if (c == 0)
		c = strcmp(cv_json_str_or(x, "decision_id", ""),
		    cv_json_str_or(y, "decision_id", ""));
	return c > 0;
}

/*
 * Refreshes session sid after its n decisions ds (just stored, in the
 * same transaction) were added.  The session takes the identity fields
 * of the latest of them, its state becomes active, updated_at becomes
 * that decision's timestamp, their evidence refs are added, and the
 * counts move on: the session follows its latest decision (a deliberate
 * difference from the reference, which freezes updated_at and
 * evidence_refs at the first decision).  prior says whether the session
 * had decisions before ds: then its stored counts are derived from them
 * and ds are added; otherwise they are recounted, so a summary made by
 * POST /sessions before any decision gives way to the real counts, as in
 * the reference.  Store errors are returned as they are.
 */
static enum cv_err
refresh_session(const char *sid, struct json_object *const *ds, size_t n,
    int prior)
{
	static const char *const ident[] = { "agent_id", "actor",
	    "repository", "policy_pack", NULL };
	struct json_object	*old = NULL, *s, *refs, *v, *last = ds[0];
	const char		*const *k;
	enum cv_err		 rc;
	size_t			 i;

	for (i = 1; i < n; i++)
		if (later(ds[i], last))
			last = ds[i];
	rc = cv_store_get(activity, CV_COLL_SESSIONS, sid, &old);
	if (rc != CV_OK && rc != CV_ENOENT)
		return rc;
	s = json_object_new_object();
	cv_json_add_str(s, "schema_version", "cavra.session.v1");
	cv_json_add_str(s, "session_id", sid);
	for (k = ident; *k != NULL; k++)
		json_object_object_add(s, *k,
		    json_object_get(json_object_object_get(last, *k)));
	cv_json_add_str(s, "state", "active");
	cv_json_add_str(s, "started_at", cv_json_str_or(old, "started_at",
	    cv_json_str_or(ds[0], "timestamp", "")));
	cv_json_add_str(s, "updated_at", cv_json_str_or(last, "timestamp",
	    ""));
	if ((old == NULL || !prior || !add_counts(old, ds, n, s)) &&
	    (rc = count_into(sid, s)) != CV_OK)
		goto out;
	refs = json_object_new_array();
	if (cv_json_arr(old, "evidence_refs", &v) == CV_JGET_OK)
		union_refs(refs, v);
	for (i = 0; i < n; i++)
		union_refs(refs, json_object_object_get(ds[i],
		    "evidence_refs"));
	json_object_object_add(s, "evidence_refs", refs);
	/* Fields of the old record this function does not own stay. */
	if (old != NULL) {
		json_object_object_foreach(old, key, val) {
			if (!json_object_object_get_ex(s, key, NULL))
				json_object_object_add(s, key,
				    json_object_get(val));
		}
	}
	rc = cv_store_put(activity, CV_COLL_SESSIONS, s);
out:
	json_object_put(s);
	json_object_put(old);
	return rc;
}

/*
 * Direct mode (when the journal below is not used): group commit.  A
 * request thread that has built a decision queues it.
 * When no commit is running it becomes the committer: it takes up to
 * CV_COMMIT_BATCH_MAX queued decisions (its own first) and stores them,
 * with their sessions refreshed, in one transaction; then it wakes the
 * threads of that batch and hands the committer's role to the thread at
 * the head of the queue, if any.  Otherwise it sleeps until one of those
 * two wakes it.  Each decision is acknowledged only after the transaction
 * holding it committed.  With one thread this is one transaction per
 * decision.  Invariant: the queue is not empty only while a committer
 * runs (or has just been handed the role).
 */
enum pstate { P_WAIT, P_DONE, P_LEAD };

struct pending {
	struct json_object	*d;
	enum cv_err		 rc;
	atomic_int		 state;	/* enum pstate */
	struct pending		*next;
};

static pthread_mutex_t	 store_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t	 registry_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t	 queue_mu = PTHREAD_MUTEX_INITIALIZER;
static struct pending	*queue_head, **queue_tail = &queue_head;
static int		 committing;

/* ["evidence://<sid>/<did>"], a new array. */
static struct json_object *
evidence_ref(const char *sid, const char *did)
{
	struct json_object	*a;
	size_t			 n;
	char			*ref;

	n = strlen("evidence:///") + strlen(sid) + strlen(did) + 1;
	ref = cv_xmalloc(n);
	snprintf(ref, n, "evidence://%s/%s", sid, did);
	a = json_object_new_array();
	json_object_array_add(a, json_object_new_string(ref));
	free(ref);
	return a;
}

/*
 * Stores decision d as a new record.  Its id is 48 random bits: should it
 * name a stored decision, d takes a fresh id (and evidence reference)
 * rather than replace that one, up to CV_ID_RETRIES times.
 */
static enum cv_err
insert_decision(struct json_object *d)
{
	char		 did[sizeof("dec_") + 12];
	const char	*sid;
	enum cv_err	 rc;
	int		 tries;

	for (tries = 0; ; tries++) {
		rc = cv_store_insert(activity, CV_COLL_DECISIONS, d);
		if (rc != CV_ECONFLICT || tries == CV_ID_RETRIES)
			return rc;
		memcpy(did, "dec_", 4);
		cv_rand_hex(did + 4, 12);
		sid = cv_json_str_or(d, "session_id", "");
		cv_log("cavra-activity: decision id %s taken; using %s",
		    cv_json_str_or(d, "decision_id", ""), did);
		cv_json_add_str(d, "decision_id", did);
		json_object_object_add(d, "evidence_refs", evidence_ref(sid,
		    did));
	}
}

/* A decision of a batch with its session, for grouping by session. */
struct dref {
	struct json_object	*d;
	const char		*sid;
	size_t			 pos;
};

/* By session id, then by position in the batch. */
static int
dref_cmp(const void *a, const void *b)
{
	const struct dref	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->sid, y->sid)) != 0)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * Stores the n decisions ds (any number) and refreshes each of their
 * sessions once, inside the caller's transaction.  Store errors are
 * returned.
 */
static enum cv_err
apply_batch(struct json_object *const *ds, size_t n)
{
	struct cv_filter	 f = { "session_id", NULL };
	struct json_object	**grp;
	struct dref		*r;
	char			*text;
	size_t			 i, j, k, len;
	int			*prior;
	enum cv_err		 rc = CV_OK;

	if (n == 0)
		return CV_OK;
	r = cv_xcalloc(n, sizeof(*r));
	grp = cv_xcalloc(n, sizeof(*grp));
	prior = cv_xcalloc(n, sizeof(*prior));
	for (i = 0; i < n; i++) {
		r[i].d = ds[i];
		r[i].sid = cv_json_str_or(ds[i], "session_id", "");
		r[i].pos = i;
	}
	qsort(r, n, sizeof(*r), dref_cmp);
	/* Whether each session had decisions before this batch (one row
	 * as stored text, uncounted and unparsed: cheap however long the
	 * session is). */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(r[j].sid, r[i].sid) == 0; j++)
			;
		f.value = r[i].sid;
		if ((rc = cv_store_list_json(activity, CV_COLL_DECISIONS, &f,
		    1, 1, 0, &text, &len, NULL)) != CV_OK)
			goto out;
		free(text);
		prior[i] = len > 2;
	}
	for (i = 0; i < n; i++)
		if ((rc = insert_decision(ds[i])) != CV_OK)
			goto out;
	for (i = 0; i < n; i = j) {
		for (j = i, k = 0; j < n && strcmp(r[j].sid, r[i].sid) == 0;
		    j++)
			grp[k++] = r[j].d;
		if ((rc = refresh_session(r[i].sid, grp, k, prior[i])) !=
		    CV_OK)
			goto out;
	}
out:
	free(prior);
	free(grp);
	free(r);
	return rc;
}

/* One transaction over the n decisions ds.  Returns its result. */
static enum cv_err
commit_batch(struct json_object *const *ds, size_t n)
{
	enum cv_err	 rc;

	if ((rc = cv_store_begin(activity)) != CV_OK)
		return rc;
	if ((rc = apply_batch(ds, n)) != CV_OK) {
		cv_store_rollback(activity);
		return rc;
	}
	return cv_store_commit(activity);
}

/*
 * Stores the queued decisions of the list at head (up to
 * CV_COMMIT_BATCH_MAX), setting each one's rc.  When the batch fails as
 * a whole, each decision is tried in a transaction of its own, so one
 * that cannot be stored does not take the others with it.
 */
static void
store_batch(struct pending *head)
{
	struct pending		*batch[CV_COMMIT_BATCH_MAX], *p;
	struct json_object	*ds[CV_COMMIT_BATCH_MAX];
	size_t			 i, n = 0;
	enum cv_err		 rc;

	for (p = head; p != NULL; p = p->next) {
		ds[n] = p->d;
		batch[n++] = p;
	}
	pthread_mutex_lock(&store_mu);
	rc = commit_batch(ds, n);
	for (i = 0; i < n; i++) {
		if (rc != CV_OK && n > 1)
			batch[i]->rc = commit_batch(&ds[i], 1);
		else
			batch[i]->rc = rc;
	}
	pthread_mutex_unlock(&store_mu);
}

/* Sleeps until *st leaves P_WAIT; returns the new state. */
static int
park(atomic_int *st)
{
	int	 v;

	while ((v = atomic_load_explicit(st, memory_order_acquire)) == P_WAIT)
		syscall(SYS_futex, st, FUTEX_WAIT_PRIVATE, P_WAIT, NULL, NULL,
		    0);
	return v;
}

/*
 * Sets *st to v and wakes its thread.  The thread may return (and its
 * pending record go) as soon as v is stored; the wake-up then reaches at
 * worst a later record of that thread at the same address, which parks
 * again since it is still waiting.
 */
static void
unpark(atomic_int *st, int v)
{
	atomic_store_explicit(st, v, memory_order_release);
	syscall(SYS_futex, st, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/*
 * Stores decision d (not consumed) through the group commit and returns
 * once its transaction committed or failed: CV_OK, or the store's error.
 */
static enum cv_err
commit_decision(struct json_object *d)
{
	struct pending	 self, *head, *p, *next, *lead;
	size_t		 n;
	int		 mine;

	self.d = d;
	self.rc = CV_OK;
	self.next = NULL;
	atomic_init(&self.state, P_WAIT);
	pthread_mutex_lock(&queue_mu);
	*queue_tail = &self;
	queue_tail = &self.next;
	if ((mine = !committing))
		committing = 1;
	pthread_mutex_unlock(&queue_mu);
	if (!mine && park(&self.state) == P_DONE)
		return self.rc;

	/* The committer: self is at the head of the queue. */
	pthread_mutex_lock(&queue_mu);
	head = queue_head;
	for (p = head, n = 1; p->next != NULL && n < CV_COMMIT_BATCH_MAX;
	    p = p->next, n++)
		;
	queue_head = p->next;
	if (queue_head == NULL)
		queue_tail = &queue_head;
	p->next = NULL;
	pthread_mutex_unlock(&queue_mu);
	store_batch(head);
	pthread_mutex_lock(&queue_mu);
	if ((lead = queue_head) == NULL)
		committing = 0;
	pthread_mutex_unlock(&queue_mu);
	for (p = head; p != NULL; p = next) {
		next = p->next;
		if (p != &self)
			unpark(&p->state, P_DONE);
	}
	if (lead != NULL)
		unpark(&lead->state, P_LEAD);
	return self.rc;
}

/*
 * Journal mode (one worker process, the default).  A decision is
 * acknowledged once it is written to the journal (cv_journal.h) and
 * queued in memory; the indexer thread stores what the queue holds
 * CV_JOURNAL_DELAY_MS (CAVRA_JOURNAL_DELAY_MS) after the first of it
 * arrived, in one transaction, and only then takes it out of the journal.
 * Every reader of the store drains the queue first (store_lock()), so a
 * request sees every decision acknowledged before it.  A crash loses
 * nothing acknowledged: the next start stores what the journal holds.
 * The queue holds at most CV_JOURNAL_QUEUE_MAX decisions; past that a
 * writer waits for the indexer, for CV_STORE_BUSY_MS at most.
 *
 * Lock order: store_mu, then jmu.  Appends and journal switches happen
 * under jmu, so the file a drain switches away from holds exactly the
 * queued decisions it takes (plus stored ones).
 */
static struct cv_journal	*journal;	/* NULL: direct mode */
static pthread_mutex_t		 jmu = PTHREAD_MUTEX_INITIALIZER;
/* jwake wakes the indexer (work, or stop), jroom the writers waiting for
 * room in the queue; both on CLOCK_MONOTONIC.  jq holds the queued
 * decisions (owned), jq_home the thread each came from. */
static pthread_cond_t		 jwake;
static pthread_cond_t		 jroom;
static struct json_object	**jq;
static struct home		**jq_home;
static size_t			 jq_len, jq_cap;
static int			 jstop;
static long			 jdelay_ms = CV_JOURNAL_DELAY_MS;
static pthread_t		 indexer;
static int			 indexer_running;

/*
 * A stored decision goes back to the request thread that built it, which
 * frees it at its next request (home_reclaim()).  Freed by the indexer,
 * its json-c objects would land in the fast bins of that thread's malloc
 * arena, and each larger malloc of the thread would then sort them out
 * (malloc_consolidate): a fifth of cavra-activity's time under load.
 */
struct home {
	pthread_mutex_t		 mu;
	struct json_object	**d;		/* to free */
	size_t			 n, cap;
	struct home		*next;	/* all homes, under jmu */
};

static __thread struct home	*my_home;
static struct home		*homes;

/* This thread's home, made on first use. */
static struct home *
home_get(void)
{
	struct home	*h;

	if ((h = my_home) != NULL)
		return h;
	h = cv_xcalloc(1, sizeof(*h));
	pthread_mutex_init(&h->mu, NULL);
	pthread_mutex_lock(&jmu);
	h->next = homes;
	homes = h;
	pthread_mutex_unlock(&jmu);
	return my_home = h;
}

/* Hands decision d (consumed) back to home h to be freed there. */
static void
home_give(struct home *h, struct json_object *d)
{
	struct json_object	**a;

	pthread_mutex_lock(&h->mu);
	if (h->n == h->cap) {
		h->cap = h->cap == 0 ? 64 : h->cap * 2;
		if ((a = realloc(h->d, h->cap * sizeof(*a))) == NULL)
			cv_fatal("out of memory");
		h->d = a;
	}
	h->d[h->n++] = d;
	pthread_mutex_unlock(&h->mu);
}

/* Frees what home h was given; h's thread, or anyone once it is gone. */
static void
home_free(struct home *h)
{
	struct json_object	**a;
	size_t			 n;

	pthread_mutex_lock(&h->mu);
	a = h->d;
	n = h->n;
	h->d = NULL;
	h->n = h->cap = 0;
	pthread_mutex_unlock(&h->mu);
	while (n > 0)
		json_object_put(a[--n]);
	free(a);
}

/* Frees the stored decisions this thread built. */
static void
home_reclaim(void)
{
	if (my_home != NULL)
		home_free(my_home);
}

/*
 * Stores every queued decision, with store_mu held: takes the queue and
 * switches the journal's active file under jmu, commits the decisions in
 * one transaction, then empties the file they were written to.  When the
 * commit fails they go back to the head of the queue (still in their
 * file) and the store's error is returned.
 */
static enum cv_err
drain(void)
{
	struct json_object	**batch, **q;
	struct home		**from, **qh;
	size_t			 i, n, cap;
	enum cv_err		 rc;
	int			 was;

	pthread_mutex_lock(&jmu);
	batch = jq;
	from = jq_home;
	n = jq_len;
	cap = jq_cap;
	jq = NULL;
	jq_home = NULL;
	jq_len = jq_cap = 0;
	was = n > 0 ? cv_journal_switch(journal) : -1;
	pthread_cond_broadcast(&jroom);
	pthread_mutex_unlock(&jmu);
	if (n == 0)
		return CV_OK;

	if ((rc = commit_batch(batch, n)) == CV_OK) {
		(void)cv_journal_clear(journal, was);
		for (i = 0; i < n; i++)
			home_give(from[i], batch[i]);
		free(batch);
		free(from);
		return CV_OK;
	}
	cv_log("cavra-activity: storing %zu journalled decisions failed "
	    "(%s); they stay queued", n, cv_err_title(rc));
	pthread_mutex_lock(&jmu);
	if (n + jq_len > cap) {
		cap = n + jq_len;
		if ((q = realloc(batch, cap * sizeof(*q))) == NULL ||
		    (qh = realloc(from, cap * sizeof(*qh))) == NULL)
			cv_fatal("out of memory");
		batch = q;
		from = qh;
	}
	memcpy(batch + n, jq, jq_len * sizeof(*batch));
	memcpy(from + n, jq_home, jq_len * sizeof(*from));
	free(jq);
	free(jq_home);
	jq = batch;
	jq_home = from;
	jq_len += n;
	jq_cap = cap;
	pthread_mutex_unlock(&jmu);
	return rc;
}

/*
 * Takes store_mu with every acknowledged decision stored (in journal
 * mode, drains the queue).  On failure store_mu is released and the
 * store's error returned.
 */
static enum cv_err
store_lock(void)
{
	enum cv_err	 rc;

	home_reclaim();
	pthread_mutex_lock(&store_mu);
	if (journal != NULL && (rc = drain()) != CV_OK) {
		pthread_mutex_unlock(&store_mu);
		return rc;
	}
	return CV_OK;
}

/*
 * The indexer thread: sleeps until a decision is queued, waits
 * jdelay_ms more (less when the queue fills), drains; after a failed
 * drain it waits twice as long, up to a second, before the next try.
 * On stop it returns; worker_fini() drains what is left.
 */
static void *
indexer_main(void *arg)
{
	struct timespec	 ts;
	long		 wait = jdelay_ms;

	(void)arg;
	pthread_mutex_lock(&jmu);
	for (;;) {
		while (jq_len == 0 && !jstop)
			pthread_cond_wait(&jwake, &jmu);
		if (jstop)
			break;
		cv_deadline(&ts, CLOCK_MONOTONIC, wait);
		while (!jstop && jq_len < CV_JOURNAL_QUEUE_MAX &&
		    pthread_cond_timedwait(&jwake, &jmu, &ts) == 0)
			;
		if (jstop)
			break;
		pthread_mutex_unlock(&jmu);
		pthread_mutex_lock(&store_mu);
		if (drain() == CV_OK)
			wait = jdelay_ms;
		else
			wait = wait * 2 > 1000 ? 1000 : wait * 2 + 1;
		pthread_mutex_unlock(&store_mu);
		pthread_mutex_lock(&jmu);
	}
	pthread_mutex_unlock(&jmu);
	return NULL;
}

/*
 * Journals decision d (consumed: the queue owns it from here) as the
 * record text of len bytes and queues it.  Returns CV_OK once it is in
 * the journal (and, with the JSON store, on disk); CV_EBUSY when the
 * queue stayed full for CV_STORE_BUSY_MS; CV_EIO when the journal cannot
 * be written (then d is dropped) or synced.
 */
static enum cv_err
journal_decision(struct json_object *d, const char *text, size_t len)
{
	struct json_object	**q;
	struct home		**qh, *h;
	struct timespec		 ts;
	enum cv_err		 rc = CV_OK;
	int			 file = 0;

	home_reclaim();
	h = home_get();
	pthread_mutex_lock(&jmu);
	if (jq_len >= CV_JOURNAL_QUEUE_MAX) {
		pthread_cond_signal(&jwake);
		cv_deadline(&ts, CLOCK_MONOTONIC, CV_STORE_BUSY_MS);
		while (jq_len >= CV_JOURNAL_QUEUE_MAX && rc == CV_OK)
			if (pthread_cond_timedwait(&jroom, &jmu, &ts) ==
			    ETIMEDOUT)
				rc = CV_EBUSY;
	}
	if (rc == CV_OK) {
		file = cv_journal_active(journal);
		rc = cv_journal_append(journal, text, len);
	}
	if (rc == CV_OK) {
		if (jq_len == jq_cap) {
			jq_cap = jq_cap == 0 ? 64 : jq_cap * 2;
			if ((q = realloc(jq, jq_cap * sizeof(*q))) == NULL ||
			    (qh = realloc(jq_home, jq_cap * sizeof(*qh))) ==
			    NULL)
				cv_fatal("out of memory");
			jq = q;
			jq_home = qh;
		}
		jq_home[jq_len] = h;
		jq[jq_len++] = d;
		d = NULL;
		if (jq_len == 1)
			pthread_cond_signal(&jwake);
	}
	pthread_mutex_unlock(&jmu);
	/* With the JSON store the record is on disk before the answer (the
	 * store itself syncs each write).  Should that fail, the decision is
	 * queued all the same and will be stored, but is not acknowledged. */
	if (d == NULL && (rc = cv_journal_sync(journal, file)) != CV_OK)
		cv_log("cavra-activity: a journalled decision may not be on "
		    "disk; answered %s", cv_err_title(rc));
	json_object_put(d);
	return rc;
}

/*
 * Stores the decisions a journal holds at start (left by a process that
 * did not stop cleanly), skipping those already stored (same id and
 * correlation id), then empties it.  Store errors are returned and leave
 * the journal as it is.
 */
static enum cv_err
journal_replay(void)
{
	struct json_object	*recs = NULL, *old, *r, **todo = NULL;
	const char		*id;
	size_t			 i, n, k = 0, skipped = 0;
	enum cv_err		 rc;

	if ((rc = cv_journal_read(journal, &recs)) != CV_OK)
		return rc;
	n = json_object_array_length(recs);
	todo = cv_xcalloc(n + 1, sizeof(*todo));
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(recs, i);
		if (cv_json_str(r, "decision_id", &id) != CV_JGET_OK) {
			cv_log("cavra-activity: journal: record %zu has no "
			    "decision_id; skipped", i);
			continue;
		}
		old = NULL;
		rc = cv_store_get(activity, CV_COLL_DECISIONS, id, &old);
		if (rc == CV_OK && strcmp(cv_json_str_or(old,
		    "correlation_id", ""), cv_json_str_or(r, "correlation_id",
		    "-")) == 0)
			skipped++;
		else if (rc == CV_OK || rc == CV_ENOENT)
			todo[k++] = r;
		json_object_put(old);
		if (rc != CV_OK && rc != CV_ENOENT)
			goto out;
	}
	if ((rc = commit_batch(todo, k)) != CV_OK)
		goto out;
	if (n > 0)
		cv_log("cavra-activity: journal: %zu decisions stored, %zu "
		    "were stored already", k, skipped);
	if ((rc = cv_journal_clear(journal, 0)) == CV_OK)
		rc = cv_journal_clear(journal, 1);
out:
	free(todo);
	json_object_put(recs);
	return rc;
}

/*
 * Looks up the MCP trust registry record of `server` (by server_id, else
 * by name).  *out is a new reference or NULL when unregistered.
 */
static enum cv_err
mcp_lookup(struct cv_req *req, const char *server, struct json_object **out)
{
	struct cv_filter	 f = { "name", server };
	struct json_object	*items = NULL;
	enum cv_err		 rc;
	size_t			 total;

	*out = NULL;
	pthread_mutex_lock(&registry_mu);
	rc = cv_store_get(registry, CV_COLL_MCP_SERVERS, server, out);
	if (rc == CV_ENOENT) {
		rc = cv_store_list(registry, CV_COLL_MCP_SERVERS, &f, 1, 1, 0,
		    &items, &total);
		if (rc == CV_OK && json_object_array_length(items) > 0)
			*out = json_object_get(json_object_array_get_idx(items,
			    0));
	}
	pthread_mutex_unlock(&registry_mu);
	json_object_put(items);
	if (rc != CV_OK)
		return cv_fail(req, rc, "MCP trust registry failed");
	return CV_OK;
}

/*
 * POST /decisions: validates the action, evaluates it against the pack,
 * and stores the `cavra.decision.v1` record with the request's other
 * fields, refreshing its session: through the journal (journal_decision())
 * or, in direct mode, in a transaction shared with the decisions of other
 * threads (commit_decision()).
 * 404 unknown pack; 422 missing or invalid action_type or target, a
 * non-scalar identity field; 400 a pack that does not load.
 */
static enum cv_err
h_decide(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*b = req->json, *d = NULL, *server = NULL;
	struct json_object	*repo;
	const struct cv_pack	*pack;
	struct cv_action	 act;
	struct cv_verdict	 v;
	const char		*pack_id, *sid, *agent, *actor, *text;
	char			*did, *body = NULL, ts[CV_TS_LEN], errbuf[512];
	const char *const	*k;
	size_t			 len = 0;
	enum cv_err		 rc;

	memset(&act, 0, sizeof(act));
	if ((rc = string(req, b, "policy_pack", DEFAULT_PACK, &pack_id)) !=
	    CV_OK || (rc = scalar(req, b, "session_id", "local", &sid)) !=
	    CV_OK || (rc = scalar(req, b, "agent_id", "unknown-agent",
	    &agent)) != CV_OK || (rc = scalar(req, b, "actor", "ai-agent",
	    &actor)) != CV_OK)
		return rc;
	if (*pack_id == '\0')
		pack_id = DEFAULT_PACK;
	switch (cv_json_str(b, "action_type", &act.action_type)) {
	case CV_JGET_OK:
		if (cv_action_type_valid(act.action_type))
			break;
		/* FALLTHROUGH */
	default:
		return cv_fail_field(req, CV_EUNPROC, "action_type",
		    "action_type must be one of: %s", join(req->arena,
		    cv_action_types));
	}
	if ((rc = string(req, b, "target", NULL, &act.target)) != CV_OK)
		return rc;
	if (act.target == NULL && strcmp(act.action_type, "git_operation") &&
	    strcmp(act.action_type, "mcp_tool_call"))
		return cv_fail_field(req, CV_EUNPROC, "target",
		    "target is required for %s and must be a string",
		    act.action_type);
	if ((rc = string(req, b, "operation", "push", &act.operation)) !=
	    CV_OK || (rc = scalar(req, b, "server", "unknown", &act.server)) !=
	    CV_OK || (rc = scalar(req, b, "tool", "unknown", &act.tool)) !=
	    CV_OK || (rc = string(req, b, "capability", NULL,
	    &act.capability)) != CV_OK)
		return rc;
	if (act.operation == NULL || *act.operation == '\0')
		act.operation = "push";

	if ((rc = cv_policy_get(pack_id, &pack, errbuf, sizeof(errbuf))) !=
	    CV_OK)
		return cv_fail_field(req, rc == CV_ENOENT ? CV_ENOENT :
		    CV_EINVAL, "policy_pack", "%s", errbuf);
	if (strcmp(act.action_type, "mcp_tool_call") == 0) {
		if ((rc = mcp_lookup(req, act.server, &server)) != CV_OK)
			return rc;
		cv_policy_eval_mcp_registry(server, &act, req->arena, &v);
		json_object_put(server);
	} else if ((rc = cv_policy_eval(pack, &act, req->arena, &v)) !=
	    CV_OK)
		return cv_fail(req, rc, "cannot evaluate %s", act.action_type);

	did = cv_rand_id(req->arena, "dec_", 12);
	cv_ts_now(ts, sizeof(ts));
	d = json_object_new_object();
	cv_json_add_str(d, "schema_version", "cavra.decision.v1");
	cv_json_add_str(d, "decision_id", did);
	cv_json_add_str(d, "session_id", sid);
	cv_json_add_str(d, "agent_id", agent);
	cv_json_add_str(d, "actor", actor);
	repo = json_object_object_get(b, "repository");
	json_object_object_add(d, "repository", cv_json_truthy(repo) ?
	    json_object_get(repo) : json_object_new_string("local"));
	cv_json_add_str(d, "action_type", v.action_type);
	cv_json_add_str(d, "target", v.target);
	cv_json_add_str(d, "requested_operation", v.requested_operation);
	cv_json_add_str(d, "policy_pack", pack_id);
	cv_json_add_str(d, "policy_id", pack_id);
	cv_json_add_str(d, "rule_id", v.rule_id);
	cv_json_add_str(d, "decision", v.decision);
	cv_json_add_str(d, "severity", v.severity);
	cv_json_add_str(d, "reason", v.reason);
	json_object_object_add(d, "evidence_refs", evidence_ref(sid, did));
	cv_json_add_str(d, "approver_group", v.approver_group);
	cv_json_add_str(d, "timestamp", ts);
	cv_json_add_str(d, "correlation_id", cv_rand_id(req->arena, "corr_",
	    12));
	/* The request's other fields (intent, tool, context, labels, ...)
	 * are kept for the posture analytics. */
	{
		json_object_object_foreach(b, key, val) {
			for (k = decision_keys; *k != NULL; k++)
				if (strcmp(*k, key) == 0)
					break;
			if (*k == NULL)
				json_object_object_add(d, key,
				    json_object_get(val));
		}
	}

	if (journal != NULL) {
		/* The answer is the journalled text; d goes to the queue. */
		text = json_object_to_json_string_length(d,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    &len);
		body = cv_arena_alloc(req->arena, len + 1);
		memcpy(body, text, len + 1);
		rc = journal_decision(d, body, len);
		d = NULL;
	} else
		rc = commit_decision(d);
	if (rc != CV_OK) {
		rc = store_err(req, rc);
		goto out;
	}
	if (body != NULL)
		cv_resp_bytes(resp, 200, "application/json", body, len);
	else {
		cv_resp_json(resp, 200, d);
		d = NULL;
	}
out:
	json_object_put(d);
	return rc;
}

/*
 * Collects the equality filters named in `keys` from the query (empty
 * values are ignored, as the reference's JSON store does), checking the
 * enumerated ones.  Returns the count in *n.
 */
static enum cv_err
filters(struct cv_req *req, const char *const *keys, struct cv_filter *f,
    size_t *n)
{
	const char	*v;

	*n = 0;
	for (; *keys != NULL; keys++) {
		if ((v = cv_query(req, *keys)) == NULL || *v == '\0')
			continue;
		if (strcmp(*keys, "decision") == 0 && !in_list(decisions, v))
			return cv_fail_field(req, CV_EINVAL, *keys,
			    "decision must be one of: %s", join(req->arena,
			    decisions));
		if (strcmp(*keys, "severity") == 0 && !in_list(severities, v))
			return cv_fail_field(req, CV_EINVAL, *keys,
			    "severity must be one of: %s", join(req->arena,
			    severities));
		if (strcmp(*keys, "state") == 0 && !in_list(states, v))
			return cv_fail_field(req, CV_EINVAL, *keys,
			    "state must be one of: %s", join(req->arena,
			    states));
		f[*n].field = *keys;
		f[*n].value = v;
		(*n)++;
	}
	return CV_OK;
}

/*
 * A paged list of one collection: {items,total,limit,offset}.  The items
 * are the stored records' text, spliced in without parsing them.
 */
static enum cv_err
list(struct cv_req *req, struct cv_resp *resp, size_t coll,
    const char *const *keys)
{
	struct cv_filter	 f[16];
	size_t			 nf, limit, offset, total, len;
	char			*items, *body;
	enum cv_err		 rc;

	if ((rc = filters(req, keys, f, &nf)) != CV_OK ||
	    (rc = cv_query_page(req, &limit, &offset)) != CV_OK)
		return rc;
	if ((rc = store_lock()) != CV_OK)
		return store_err(req, rc);
	rc = cv_store_list_json(activity, coll, f, nf, limit, offset, &items,
	    &len, &total);
	pthread_mutex_unlock(&store_mu);
	if (rc != CV_OK)
		return store_err(req, rc);
	body = cv_arena_printf(req->arena, "{\"items\":%s,\"total\":%zu,"
	    "\"limit\":%zu,\"offset\":%zu}", items, total, limit, offset);
	free(items);
	cv_resp_bytes(resp, 200, "application/json", body, strlen(body));
	return CV_OK;
}

static enum cv_err
h_decisions(struct cv_req *req, struct cv_resp *resp)
{
	static const char *const keys[] = { "session_id", "agent_id",
	    "repository", "policy_pack", "decision", "severity",
	    "action_type", NULL };

	return list(req, resp, CV_COLL_DECISIONS, keys);
}

static enum cv_err
h_sessions(struct cv_req *req, struct cv_resp *resp)
{
	static const char *const keys[] = { "agent_id", "repository",
	    "policy_pack", "state", NULL };

	return list(req, resp, CV_COLL_SESSIONS, keys);
}

/* One record by the route's id parameter, or 404 with `missing`. */
static enum cv_err
get_one(struct cv_req *req, struct cv_resp *resp, size_t coll,
    const char *param, const char *missing)
{
	struct json_object	*o;
	enum cv_err		 rc;

	if ((rc = store_lock()) != CV_OK)
		return store_err(req, rc);
	rc = cv_store_get(activity, coll, cv_param(req, param), &o);
	pthread_mutex_unlock(&store_mu);
	if (rc == CV_ENOENT)
		return cv_fail(req, rc, "%s", missing);
	if (rc != CV_OK)
		return store_err(req, rc);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

static enum cv_err
h_decision(struct cv_req *req, struct cv_resp *resp)
{
	return get_one(req, resp, CV_COLL_DECISIONS, "decision_id",
	    "decision not found");
}

static enum cv_err
h_session(struct cv_req *req, struct cv_resp *resp)
{
	return get_one(req, resp, CV_COLL_SESSIONS, "session_id",
	    "session not found");
}

/*
 * Fills the fields of session s that the request left out from the
 * session's stored decisions: identity fields (first non-empty value),
 * started_at/updated_at (min/max timestamp), evidence_refs (union in
 * first-seen order); then the defaults.  Counts always come from the
 * decisions when there are any.
 */
static enum cv_err
derive_session(struct cv_req *req, struct json_object *s, const char *sid)
{
	static const struct cv_kv ident[] = { { "agent_id", "unknown-agent" },
	    { "actor", "ai-agent" }, { "repository", "local" },
	    { "policy_pack", DEFAULT_PACK } };
	struct cv_filter	 f = { "session_id", sid };
	struct json_object	*ds = NULL, *first = NULL, *d, *v, *refs;
	const char		*ts, *lo = NULL, *hi = NULL;
	char			 now[CV_TS_LEN];
	enum cv_err		 rc;
	size_t			 i, j, n, total;

	/* The latest decisions (newest first) and the very first one. */
	if ((rc = cv_store_list(activity, CV_COLL_DECISIONS, &f, 1,
	    CV_SESSION_REFS_MAX, 0, &ds, &total)) != CV_OK)
		return store_err(req, rc);
	if (total > CV_SESSION_REFS_MAX) {
		if ((rc = cv_store_list(activity, CV_COLL_DECISIONS, &f, 1, 1,
		    total - 1, &first, NULL)) != CV_OK) {
			json_object_put(ds);
			return store_err(req, rc);
		}
		json_object_array_add(ds, json_object_get(
		    json_object_array_get_idx(first, 0)));
		json_object_put(first);
	}
	n = json_object_array_length(ds);
	/* Store order is newest first: walk oldest first. */
	for (i = 0; i < nitems(ident); i++) {
		v = json_object_object_get(s, ident[i].name);
		if (cv_json_truthy(v))
			continue;
		for (j = n; j > 0; j--) {
			d = json_object_array_get_idx(ds, j - 1);
			v = json_object_object_get(d, ident[i].name);
			if (cv_json_truthy(v))
				break;
		}
		json_object_object_add(s, ident[i].name, j > 0 ?
		    json_object_get(v) : json_object_new_string(
		    ident[i].value));
	}
	for (j = 0; j < n; j++) {
		ts = cv_json_str_or(json_object_array_get_idx(ds, j),
		    "timestamp", NULL);
		if (ts == NULL)
			continue;
		if (lo == NULL || strcmp(ts, lo) < 0)
			lo = ts;
		if (hi == NULL || strcmp(ts, hi) > 0)
			hi = ts;
	}
	cv_ts_now(now, sizeof(now));
	if (!json_object_object_get_ex(s, "started_at", &v) || v == NULL)
		cv_json_add_str(s, "started_at", lo != NULL ? lo : now);
	if (!json_object_object_get_ex(s, "updated_at", &v) || v == NULL)
		cv_json_add_str(s, "updated_at", hi != NULL ? hi : now);
	if (!json_object_object_get_ex(s, "evidence_refs", &v) || v == NULL) {
		refs = json_object_new_array();
		for (j = n; j > 0; j--)
			union_refs(refs, json_object_object_get(
			    json_object_array_get_idx(ds, j - 1),
			    "evidence_refs"));
		json_object_object_add(s, "evidence_refs", refs);
	}
	json_object_put(ds);
	if (n > 0 && (rc = count_into(sid, s)) != CV_OK)
		return store_err(req, rc);
	return CV_OK;
}

/*
 * Checks an input count: absent is 0; otherwise a non-negative integer.
 */
static enum cv_err
input_count(struct cv_req *req, struct json_object *s, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(s, key, &v) || v == NULL) {
		cv_json_add_int(s, key, 0);
		return CV_OK;
	}
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return cv_fail_field(req, CV_EINVAL, key, "invalid session "
		    "record: %s must be a non-negative integer", key);
	return CV_OK;
}

/*
 * POST /sessions: creates or updates a session summary.  The body is
 * merged over the stored record (request wins, in both store modes);
 * counts come from the stored decisions when there are any.  400
 * "invalid session record: ..." for a missing session_id, a state
 * outside active/completed/failed/archived, bad counts or bad
 * evidence_refs.  Called with store_mu held.
 */
static enum cv_err
session_put(struct cv_req *req, struct cv_resp *resp)
{
	static const char *const strs[] = { "started_at", "updated_at",
	    "agent_id", "actor", "policy_pack", NULL };
	static const char *const counts[] = { "decision_count",
	    "blocked_count", "approval_required_count", NULL };
	struct json_object	*b = req->json, *s = NULL, *old = NULL, *v;
	const char		*sid, *state, *const *k;
	enum cv_err		 rc;
	int			 intx = 0;

	if (cv_json_str(b, "session_id", &sid) != CV_JGET_OK || *sid == '\0')
		return cv_fail_field(req, CV_EINVAL, "session_id",
		    "invalid session record: session_id must be a non-empty "
		    "string");
	if (strlen(sid) > CV_ID_MAX)
		return cv_fail_field(req, CV_EINVAL, "session_id",
		    "invalid session record: session_id is longer than %d "
		    "bytes", CV_ID_MAX);
	for (k = strs; *k != NULL; k++)
		if (cv_json_str(b, *k, &state) == CV_JGET_TYPE)
			return cv_fail_field(req, CV_EINVAL, *k,
			    "invalid session record: %s must be a string", *k);

	if ((rc = cv_store_begin(activity)) != CV_OK)
		return store_err(req, rc);
	intx = 1;
	rc = cv_store_get(activity, CV_COLL_SESSIONS, sid, &old);
	if (rc != CV_OK && rc != CV_ENOENT) {
		rc = store_err(req, rc);
		goto out;
	}
	s = json_object_new_object();
	cv_json_add_str(s, "schema_version", "cavra.session.v1");
	cv_json_add_str(s, "session_id", sid);
	if (old != NULL) {
		json_object_object_foreach(old, key, val)
			if (!json_object_object_get_ex(s, key, NULL))
				json_object_object_add(s, key,
				    json_object_get(val));
	}
	{
		json_object_object_foreach(b, key, val)
			if (strcmp(key, "schema_version") != 0 &&
			    strcmp(key, "status") != 0)
				json_object_object_add(s, key,
				    json_object_get(val));
	}
	/* state, or its alias status. */
	state = NULL;
	if (cv_json_str(b, "state", &state) != CV_JGET_OK &&
	    cv_json_str(b, "status", &state) != CV_JGET_OK)
		state = cv_json_str_or(old, "state", "active");
	if ((json_object_object_get_ex(b, "state", &v) && v != NULL &&
	    !json_object_is_type(v, json_type_string)) ||
	    !in_list(states, state)) {
		rc = cv_fail_field(req, CV_EINVAL, "state", "invalid session "
		    "record: state must be one of: %s", join(req->arena,
		    states));
		goto out;
	}
	cv_json_add_str(s, "state", state);
	if (json_object_object_get_ex(b, "evidence_refs", &v)) {
		if ((v = evidence_refs(req, v, "session record")) == NULL) {
			rc = CV_EINVAL;
			goto out;
		}
		json_object_object_add(s, "evidence_refs", v);
	}
	for (k = counts; *k != NULL; k++)
		if ((rc = input_count(req, s, *k)) != CV_OK)
			goto out;
	if ((rc = derive_session(req, s, sid)) != CV_OK)
		goto out;
	if ((rc = cv_store_put(activity, CV_COLL_SESSIONS, s)) != CV_OK ||
	    (rc = cv_store_commit(activity)) != CV_OK) {
		rc = store_err(req, rc);
		goto out;
	}
	intx = 0;
	cv_resp_json(resp, 200, s);
	s = NULL;
out:
	if (intx)
		cv_store_rollback(activity);
	json_object_put(s);
	json_object_put(old);
	return rc;
}

static enum cv_err
h_session_put(struct cv_req *req, struct cv_resp *resp)
{
	enum cv_err	 rc;

	if ((rc = store_lock()) != CV_OK)
		return store_err(req, rc);
	rc = session_put(req, resp);
	pthread_mutex_unlock(&store_mu);
	return rc;
}

/*
 * Whether the journal at base ("<base>.0", "<base>.1") may hold records:
 * a file of it exists and is not empty (a journal that was used keeps its
 * files, zeros after the records; cv_journal_read() tells).  A file that
 * cannot be examined counts, so that cv_journal_open() says what is wrong
 * with it.
 */
static int
journal_left(const char *base)
{
	struct stat	 st;
	char		*path;
	size_t		 n;
	int		 i, left = 0;

	n = strlen(base) + 3;
	path = cv_xmalloc(n);
	for (i = 0; i < 2 && !left; i++) {
		snprintf(path, n, "%s.%d", base, i);
		if (stat(path, &st) == -1)
			left = errno != ENOENT;
		else
			left = st.st_size > 0;
	}
	free(path);
	return left;
}

/*
 * Opens the journal next to the activity store ("<store>.journal.0" and
 * ".1") when this responder runs one worker process, stores what it
 * holds, and starts the indexer.  Leaves direct mode (journal NULL) with
 * a log line when another process has the journal.  CV_EIO when the
 * journal's decisions cannot be stored (the worker does not start;
 * nothing is lost).
 *
 * With several workers (direct mode) the journal is not used, but
 * decisions a one-worker process acknowledged and did not store before
 * it died must still be stored: a worker that finds the journal holding
 * something takes it, stores its decisions and closes it.  Its siblings
 * find it taken (CV_EBUSY) and go on without it.
 */
static enum cv_err
journal_start(void)
{
	pthread_condattr_t	 ca;
	char			*base;
	size_t			 n;
	enum cv_err		 rc;
	int			 direct = cv_serve_workers() > 1;

	n = strlen(cv_store_path(activity)) + sizeof(".journal");
	base = cv_xmalloc(n);
	snprintf(base, n, "%s.journal", cv_store_path(activity));
	if (direct && !journal_left(base)) {
		free(base);
		return CV_OK;
	}
	rc = cv_journal_open(base, strcmp(cv_store_kind(activity), "json") ==
	    0, &journal);
	free(base);
	if (rc != CV_OK) {
		if (!direct || rc != CV_EBUSY)
			cv_log("cavra-activity: %s; decisions are committed "
			    "as they come", rc == CV_EBUSY ? "another process "
			    "has the journal" : "no journal");
		return CV_OK;
	}
	if ((rc = journal_replay()) != CV_OK) {
		cv_log("cavra-activity: journal: cannot store its decisions "
		    "(%s)", cv_err_title(rc));
		goto fail;
	}
	if (direct) {
		/* Stored: from here the workers commit as decisions come. */
		cv_journal_close(journal);
		journal = NULL;
		return CV_OK;
	}
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&jwake, &ca);
	pthread_cond_init(&jroom, &ca);
	pthread_condattr_destroy(&ca);
	if ((errno = pthread_create(&indexer, NULL, indexer_main, NULL)) !=
	    0) {
		cv_log("cavra-activity: indexer thread: %s", strerror(errno));
		rc = CV_EIO;
		goto fail;
	}
	indexer_running = 1;
	return CV_OK;
fail:
	cv_journal_close(journal);
	journal = NULL;
	return rc;
}

/*
 * Stops the indexer and stores what is still queued.  What cannot be
 * stored stays in the journal for the next start.
 */
static void
journal_stop(void)
{
	struct home	*h;
	enum cv_err	 rc;

	if (journal == NULL)
		return;
	if (indexer_running) {
		pthread_mutex_lock(&jmu);
		jstop = 1;
		pthread_cond_signal(&jwake);
		pthread_mutex_unlock(&jmu);
		pthread_join(indexer, NULL);
		indexer_running = 0;
	}
	pthread_mutex_lock(&store_mu);
	if ((rc = drain()) != CV_OK)
		cv_log("cavra-activity: %zu decisions stay in the journal "
		    "(%s)", jq_len, cv_err_title(rc));
	pthread_mutex_unlock(&store_mu);
	while (jq_len > 0)
		json_object_put(jq[--jq_len]);
	free(jq);
	free(jq_home);
	jq = NULL;
	jq_home = NULL;
	jq_cap = 0;
	/* The request threads are gone: free what they were given. */
	while ((h = homes) != NULL) {
		homes = h->next;
		home_free(h);
		pthread_mutex_destroy(&h->mu);
		free(h);
	}
	cv_journal_close(journal);
	journal = NULL;
	pthread_cond_destroy(&jwake);
	pthread_cond_destroy(&jroom);
}

static enum cv_err
worker_init(void)
{
	if (cv_store_open(&cv_store_activity, &activity) != CV_OK ||
	    cv_store_open(&cv_store_registry, &registry) != CV_OK)
		return CV_EIO;
	if (journal_start() != CV_OK)
		return CV_EIO;
	/* Commits do not wait for checkpoints (a failure to start the
	 * thread is logged and leaves them checkpointing as they go). */
	(void)cv_store_background_checkpoints(activity, &store_mu);
	return CV_OK;
}

static void
worker_fini(void)
{
	journal_stop();
	cv_store_close(activity);
	cv_store_close(registry);
}

/*
 * At start: the default pack must load, so a broken policy directory is
 * one line on stderr, not a 400 on every request.
 */
static enum cv_err
init(void)
{
	const struct cv_pack	*pack;
	char			 errbuf[512];
	const char		*v;
	char			*end;

	if ((v = cv_env("CAVRA_JOURNAL_DELAY_MS")) != NULL) {
		errno = 0;
		jdelay_ms = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0 ||
		    jdelay_ms < 0 || jdelay_ms > CV_JOURNAL_DELAY_MAX_MS) {
			cv_log("cavra-activity: CAVRA_JOURNAL_DELAY_MS: "
			    "expected milliseconds from 0 to %d, got \"%s\"",
			    CV_JOURNAL_DELAY_MAX_MS, v);
			return CV_EINVAL;
		}
	}
	if (cv_policy_get(DEFAULT_PACK, &pack, errbuf, sizeof(errbuf)) !=
	    CV_OK) {
		cv_log("cavra-activity: %s (policy root %s)", errbuf,
		    cv_policy_root());
		return CV_EINVAL;
	}
	return CV_OK;
}

static const struct cv_route routes[] = {
	{ CV_POST, "/decisions", h_decide, CV_BODY_JSON,
	    "Evaluate an agent action and persist the decision", NULL },
	{ CV_GET, "/decisions", h_decisions, 0,
	    "List decisions (filters, limit, offset)", NULL },
	{ CV_GET, "/decisions/{decision_id}", h_decision, 0,
	    "Fetch one decision", NULL },
	{ CV_POST, "/sessions", h_session_put, CV_BODY_JSON,
	    "Create or update a session summary", NULL },
	{ CV_GET, "/sessions", h_sessions, 0,
	    "List sessions (filters, limit, offset)", NULL },
	{ CV_GET, "/sessions/{session_id}", h_session, 0,
	    "Fetch one session summary", NULL },
};

static const struct cv_app app = {
	.name = "cavra-activity",
	.routes = routes,
	.nroutes = nitems(routes),
	.init = init,
	.worker_init = worker_init,
	.worker_fini = worker_fini,
	/* One process whose threads share one store connection: decisions
	 * go through the journal and are stored in bulk (journal_start()),
	 * and no other process's commits invalidate its page cache. */
	.workers = 1,
	.threads = CV_ACTIVITY_THREADS,
};

int
main(int argc, char **argv)
{
	return cv_serve_main(&app, argc, argv);
}
