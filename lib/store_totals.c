/*
 * Cached totals of lists filtered on several columns, shared by the
 * SQLite and PostgreSQL backends (see store_int.h).
 *
 * A backend counts such a total by walking the rows of one filter's
 * value, so it keeps the last CV_COUNT_CACHE_MAX totals per database for
 * every connection of the process, each with the generation of the
 * database it counts: a number that every committed change of a row
 * moves on (SQLite: cavra_generation; PostgreSQL: the gen of the table's
 * row in cavra_row_counts).  A read that sees the entry's generation may
 * use its total.  Entries are found by their filters' columns and
 * values; the least recently used one gives way to a new one.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cv_limits.h"
#include "cv_util.h"
#include "store_int.h"

/* One total: the query it counts, its generation and value. */
struct total {
	int		 used;
	size_t		 coll;
	uint32_t	 mask;
	size_t		 nf;
	size_t		 cols[CV_STORE_FIELDS_MAX + 1];
	char		*vals[CV_STORE_FIELDS_MAX + 1];	/* NULL: absent */
	int64_t		 gen;		/* the generation it counts at, -1:
					   none */
	uint64_t	 born;		/* cv_totals.seq when made */
	uint64_t	 last;		/* cv_totals.seq when last used */
	int64_t		 n;
	int64_t		 pending;	/* an open write transaction's change
					   to n (cv_totals_put()) */
};

struct cv_totals {
	char			*key;
	int			 refs;
	pthread_mutex_t		 mu;
	uint64_t		 seq;
	struct total		 e[CV_COUNT_CACHE_MAX];
	struct cv_totals	*next;
};

static struct cv_totals	*all;
static pthread_mutex_t	 all_mu = PTHREAD_MUTEX_INITIALIZER;

struct cv_totals *
cv_totals_get(const char *key)
{
	struct cv_totals	*t;

	pthread_mutex_lock(&all_mu);
	for (t = all; t != NULL; t = t->next)
		if (strcmp(t->key, key) == 0)
			break;
	if (t == NULL) {
		t = cv_xcalloc(1, sizeof(*t));
		t->key = cv_xstrdup(key);
		pthread_mutex_init(&t->mu, NULL);
		t->next = all;
		all = t;
	}
	t->refs++;
	pthread_mutex_unlock(&all_mu);
	return t;
}

static void
total_clear(struct total *e)
{
	size_t	 i;

	for (i = 0; i < e->nf; i++)
		free(e->vals[i]);
	memset(e, 0, sizeof(*e));
}

void
cv_totals_release(struct cv_totals *t)
{
	struct cv_totals	**pp;
	size_t			 i;

	if (t == NULL)
		return;
	pthread_mutex_lock(&all_mu);
	if (--t->refs > 0) {
		pthread_mutex_unlock(&all_mu);
		return;
	}
	for (pp = &all; *pp != t; pp = &(*pp)->next)
		;
	*pp = t->next;
	pthread_mutex_unlock(&all_mu);
	for (i = 0; i < CV_COUNT_CACHE_MAX; i++)
		total_clear(&t->e[i]);
	pthread_mutex_destroy(&t->mu);
	free(t->key);
	free(t);
}

/* Whether the row whose filter column keys are keys matches entry e. */
static int
total_match(const struct total *e, const char *const *keys)
{
	const char	*k;
	size_t		 i;

	for (i = 0; i < e->nf; i++) {
		k = keys[e->cols[i]];
		if ((k == NULL) != (e->vals[i] == NULL) ||
		    (k != NULL && strcmp(k, e->vals[i]) != 0))
			return 0;
	}
	return 1;
}

/* Whether entry e counts query q of collection coll. */
static int
total_is(const struct total *e, size_t coll, const struct cv_query *q)
{
	size_t	 i;

	if (!e->used || e->coll != coll || e->mask != q->mask ||
	    e->nf != q->nf)
		return 0;
	for (i = 0; i < q->nf; i++)
		if ((q->f[i].value == NULL) != (e->vals[i] == NULL) ||
		    (q->f[i].value != NULL && strcmp(q->f[i].value,
		    e->vals[i]) != 0))
			return 0;
	return 1;
}

uint64_t
cv_totals_seq(struct cv_totals *t)
{
	uint64_t	 seq;

	pthread_mutex_lock(&t->mu);
	seq = t->seq;
	pthread_mutex_unlock(&t->mu);
	return seq;
}

/*
 * The entry of query q of collection coll at generation gen, or at any
 * (>= 0) with any set: its generation and total into *gen and *n, marked
 * used.  1 when there is one.
 */
static int
lookup(struct cv_totals *t, size_t coll, const struct cv_query *q, int any,
    int64_t *gen, int64_t *n)
{
	struct total	*e;
	size_t		 i;
	int		 hit = 0;

	pthread_mutex_lock(&t->mu);
	for (i = 0; i < CV_COUNT_CACHE_MAX && !hit; i++) {
		e = &t->e[i];
		if ((any ? e->gen >= 0 : e->gen == *gen) &&
		    total_is(e, coll, q)) {
			*gen = e->gen;
			*n = e->n;
			e->last = ++t->seq;
			hit = 1;
		}
	}
	pthread_mutex_unlock(&t->mu);
	return hit;
}

int
cv_totals_find(struct cv_totals *t, size_t coll, const struct cv_query *q,
    int64_t gen, int64_t *n)
{
	return lookup(t, coll, q, 0, &gen, n);
}

int
cv_totals_last(struct cv_totals *t, size_t coll, const struct cv_query *q,
    int64_t *gen, int64_t *n)
{
	return lookup(t, coll, q, 1, gen, n);
}

void
cv_totals_add(struct cv_totals *t, size_t coll, const struct cv_query *q,
    int64_t gen, int64_t n)
{
	struct total	*e, *pick = NULL;
	size_t		 i;

	if (q->nf > CV_STORE_FIELDS_MAX + 1 || gen < 0)
		return;
	pthread_mutex_lock(&t->mu);
	for (i = 0; i < CV_COUNT_CACHE_MAX; i++) {
		e = &t->e[i];
		if (total_is(e, coll, q)) {
			pick = e;
			break;
		}
		if (pick == NULL || (pick->used && (!e->used ||
		    e->gen < 0 || e->last < pick->last)))
			pick = e;
	}
	total_clear(pick);
	pick->used = 1;
	pick->coll = coll;
	pick->mask = q->mask;
	pick->nf = q->nf;
	for (i = 0; i < q->nf; i++) {
		pick->cols[i] = q->f[i].col;
		pick->vals[i] = q->f[i].value != NULL ?
		    cv_xstrdup(q->f[i].value) : NULL;
	}
	pick->gen = gen;
	pick->n = n;
	pick->born = pick->last = ++t->seq;
	pthread_mutex_unlock(&t->mu);
}

void
cv_totals_put(struct cv_totals *t, size_t coll, int64_t gen,
    const char *const *keys, const char *const *oldkeys)
{
	struct total	*e;
	size_t		 i;

	pthread_mutex_lock(&t->mu);
	for (i = 0; i < CV_COUNT_CACHE_MAX; i++) {
		e = &t->e[i];
		if (!e->used || e->coll != coll || e->gen != gen)
			continue;
		e->pending += (keys != NULL && total_match(e, keys)) -
		    (oldkeys != NULL && total_match(e, oldkeys));
	}
	pthread_mutex_unlock(&t->mu);
}

void
cv_totals_end(struct cv_totals *t, int moved, int64_t gen, uint64_t seq)
{
	struct total	*e;
	size_t		 i;

	pthread_mutex_lock(&t->mu);
	for (i = 0; i < CV_COUNT_CACHE_MAX; i++) {
		e = &t->e[i];
		if (moved && e->used && e->gen == gen) {
			if (e->born > seq)
				e->gen = -1;
			else {
				e->n += e->pending;
				e->gen = gen + 1;
			}
		}
		e->pending = 0;
	}
	pthread_mutex_unlock(&t->mu);
}
