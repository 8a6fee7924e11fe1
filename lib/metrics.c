/*
 * Metrics shared by the worker processes of a responder, and GET /metrics
 * (see cv_metrics.h).  The region the parent maps before it forks is:
 *
 *	struct mhead, then nslots times: struct mslot, then nrows struct mrow
 *
 * each part starting on a cache line.  Rows are the application's routes
 * in table order, then /metrics, then "unmatched" once per method (and
 * once for a method the suite does not know).
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cv_http.h"
#include "cv_metrics.h"
#include "cv_util.h"

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_LONG_LOCK_FREE == 2 &&
    ATOMIC_INT_LOCK_FREE == 2, "metrics shared between processes need "
    "lock-free (address-free) atomics");

#define LAT_N	16	/* latency buckets, +Inf not counted */
#define BATCH_N	12	/* batch size buckets, +Inf not counted */
#define CLASS_N	5	/* status classes 1xx..5xx */

/* Upper bounds of the latency buckets in microseconds, and as the `le`
 * label (seconds). */
static const long long	 lat_us[LAT_N] = { 100, 250, 500, 1000, 2500,
    5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000,
    5000000, 10000000 };
static const char *const lat_le[LAT_N] = { "0.0001", "0.00025", "0.0005",
    "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
    "0.5", "1", "2.5", "5", "10" };
/* Upper bounds of the commit batch size buckets, in records. */
static const size_t	 batch_max[BATCH_N] = { 1, 2, 4, 8, 16, 32, 64, 128,
    256, 512, 1024, 4096 };

/* One route's counters; buckets are not cumulative (summed when read). */
struct mrow {
	atomic_ullong	 status[CLASS_N];
	atomic_ullong	 lat[LAT_N + 1];
	atomic_ullong	 sum_us;
};

/* One worker's counters and gauges. */
struct mslot {
	atomic_int	 pid;		/* 0: no worker */
	atomic_long	 inflight;
	atomic_long	 journal;
	atomic_ullong	 commits;
	atomic_ullong	 records;
	atomic_ullong	 batch[BATCH_N + 1];
};

struct mhead {
	atomic_ullong	 restarts;
	pid_t		 parent;
	int		 nslots;
	int		 nworkers;
};

static enum cv_err	 h_metrics(struct cv_req *, struct cv_resp *);

const struct cv_route	 cv_metrics_route = {
	.method = CV_GET,
	.pattern = "/metrics",
	.handler = h_metrics,
	.summary = "Prometheus metrics of this responder",
};

static const struct cv_route	*routes;	/* the app's table */
static size_t			 nroutes;
static size_t			 nrows;
static char			*region;	/* NULL: no shared slots */
static size_t			 region_len;
static size_t			 slot_size;
static struct mslot		 own;		/* before a slot is given */
static struct mslot		*cur = &own;
static struct mrow		*cur_rows;	/* NULL: routes not counted */

#define ALIGN64(n)	(((n) + 63) & ~(size_t)63)
#define HEAD_SIZE	ALIGN64(sizeof(struct mhead))
#define SLOT_HEAD	ALIGN64(sizeof(struct mslot))

static struct mhead *
head(void)
{
	return (struct mhead *)(void *)region;
}

static struct mslot *
slot_at(int i)
{
	return (struct mslot *)(void *)(region + HEAD_SIZE +
	    (size_t)i * slot_size);
}

static struct mrow *
rows_of(struct mslot *s)
{
	return (struct mrow *)(void *)((char *)s + SLOT_HEAD);
}

enum cv_err
cv_metrics_init(const struct cv_app *app, int nworkers)
{
	void	*p;

	routes = app->routes;
	nroutes = app->nroutes;
	nrows = nroutes + 1 + CV_METHOD__MAX + 1;
	slot_size = ALIGN64(SLOT_HEAD + nrows * sizeof(struct mrow));
	region_len = HEAD_SIZE + (size_t)nworkers * slot_size;
	p = mmap(NULL, region_len, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		cv_log("%s: metrics: mmap of %zu bytes: %s", app->name,
		    region_len, strerror(errno));
		return CV_ENOMEM;
	}
	/* The kernel hands the pages over zeroed: every counter is 0. */
	region = p;
	head()->parent = getpid();
	head()->nslots = nworkers;
	head()->nworkers = nworkers;
	return CV_OK;
}

void
cv_metrics_fini(void)
{
	if (region != NULL)
		munmap(region, region_len);
	region = NULL;
	cur = &own;
	cur_rows = NULL;
}

void
cv_metrics_worker(int slot)
{
	if (region == NULL || slot < 0 || slot >= head()->nslots)
		return;
	cur = slot_at(slot);
	cur_rows = rows_of(cur);
	atomic_store(&cur->pid, (int)getpid());
}

void
cv_metrics_worker_gone(int slot, int restart)
{
	struct mslot	*s;

	if (region == NULL || slot < 0 || slot >= head()->nslots)
		return;
	s = slot_at(slot);
	atomic_store(&s->pid, 0);
	atomic_store(&s->inflight, 0);
	atomic_store(&s->journal, 0);
	if (restart)
		atomic_fetch_add(&head()->restarts, 1);
}

void
cv_metrics_commit(size_t records)
{
	size_t	 i;

	for (i = 0; i < BATCH_N && records > batch_max[i]; i++)
		;
	atomic_fetch_add_explicit(&cur->commits, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&cur->records, records,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&cur->batch[i], 1, memory_order_relaxed);
}

void
cv_metrics_journal_depth(long n)
{
	atomic_store_explicit(&cur->journal, n, memory_order_relaxed);
}

void
cv_metrics_begin(void)
{
	atomic_fetch_add_explicit(&cur->inflight, 1, memory_order_relaxed);
}

/* The row of req's route (see the top of this file). */
static size_t
row_of(const struct cv_req *req)
{
	uintptr_t	 r = (uintptr_t)req->route, b = (uintptr_t)routes;
	unsigned	 m;

	if (req->route == &cv_metrics_route)
		return nroutes;
	if (req->route != NULL && r >= b &&
	    r < b + nroutes * sizeof(*routes))
		return (r - b) / sizeof(*routes);
	m = (unsigned)req->method;
	return nroutes + 1 + (m < CV_METHOD__MAX ? m : CV_METHOD__MAX);
}

void
cv_metrics_end(const struct cv_req *req, int status, long long us)
{
	struct mrow	*row;
	int		 c;
	size_t		 i;

	if (cur_rows != NULL) {
		row = &cur_rows[row_of(req)];
		c = status / 100;
		if (c < 1 || c > CLASS_N)
			c = CLASS_N;
		if (us < 0)
			us = 0;
		for (i = 0; i < LAT_N && us > lat_us[i]; i++)
			;
		atomic_fetch_add_explicit(&row->status[c - 1], 1,
		    memory_order_relaxed);
		atomic_fetch_add_explicit(&row->lat[i], 1,
		    memory_order_relaxed);
		atomic_fetch_add_explicit(&row->sum_us,
		    (unsigned long long)us, memory_order_relaxed);
	}
	atomic_fetch_sub_explicit(&cur->inflight, 1, memory_order_relaxed);
}

/* Number of slots there are to read (1: this process's own). */
static int
nslots(void)
{
	return region != NULL ? head()->nslots : 1;
}

static struct mslot *
slot_or_own(int i)
{
	return region != NULL ? slot_at(i) : &own;
}

/* Row `r` summed over every slot, into *t. */
static void
row_sum(size_t r, struct mrow *t)
{
	struct mrow	*row;
	int		 i;
	size_t		 k;

	memset(t, 0, sizeof(*t));
	if (region == NULL)
		return;
	for (i = 0; i < head()->nslots; i++) {
		row = &rows_of(slot_at(i))[r];
		for (k = 0; k < CLASS_N; k++)
			t->status[k] += atomic_load_explicit(&row->status[k],
			    memory_order_relaxed);
		for (k = 0; k <= LAT_N; k++)
			t->lat[k] += atomic_load_explicit(&row->lat[k],
			    memory_order_relaxed);
		t->sum_us += atomic_load_explicit(&row->sum_us,
		    memory_order_relaxed);
	}
}

/* The labels of row r, `route="...",method="..."`, into buf. */
static void
row_labels(size_t r, char *buf, size_t size)
{
	const char	*pat, *method;
	char		 esc[2 * CV_PATH_MAX + 1], *q = esc;
	size_t		 m;

	if (r < nroutes) {
		pat = routes[r].pattern;
		method = cv_method_name(routes[r].method);
	} else if (r == nroutes) {
		pat = cv_metrics_route.pattern;
		method = cv_method_name(cv_metrics_route.method);
	} else {
		pat = "unmatched";
		m = r - nroutes - 1;
		method = m < CV_METHOD__MAX ? cv_method_name(m) : "other";
	}
	/* Label values escape backslash, double quote and newline. */
	for (; *pat != '\0' && q < esc + sizeof(esc) - 2; pat++) {
		if (*pat == '\\' || *pat == '"' || *pat == '\n')
			*q++ = '\\';
		*q++ = *pat == '\n' ? 'n' : *pat;
	}
	*q = '\0';
	snprintf(buf, size, "route=\"%s\",method=\"%s\"", esc, method);
}

/* Resident bytes of process pid from /proc/PID/statm, or -1. */
static long long
resident(pid_t pid)
{
	char		 path[64], buf[128];
	long long	 pages;
	ssize_t		 n;
	int		 fd;

	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%*s %lld", &pages) != 1)
		return -1;
	return pages * sysconf(_SC_PAGESIZE);
}

/* The request families: counter by status class, latency histogram. */
static void
render_requests(struct cv_text *b)
{
	static const char *const class[CLASS_N] = { "1xx", "2xx", "3xx",
	    "4xx", "5xx" };
	struct mrow		 t;
	unsigned long long	 cum;
	char			 lab[2 * CV_PATH_MAX + 64];
	size_t			 r, k;

	cv_text_printf(b, "# HELP cavra_http_requests_total Requests answered, "
	    "by route, method and status class.\n"
	    "# TYPE cavra_http_requests_total counter\n");
	for (r = 0; r < nrows; r++) {
		row_sum(r, &t);
		row_labels(r, lab, sizeof(lab));
		for (k = 0; k < CLASS_N; k++)
			if (t.status[k] > 0)
				cv_text_printf(b,
				    "cavra_http_requests_total{%s,code=\"%s\"} "
				    "%llu\n", lab, class[k], t.status[k]);
	}
	cv_text_printf(b, "# HELP cavra_http_request_duration_seconds Time "
	    "from a request's parameters to its rendered answer, by route.\n"
	    "# TYPE cavra_http_request_duration_seconds histogram\n");
	for (r = 0; r < nrows; r++) {
		row_sum(r, &t);
		for (cum = 0, k = 0; k <= LAT_N; k++)
			cum += t.lat[k];
		if (cum == 0)
			continue;
		row_labels(r, lab, sizeof(lab));
		for (cum = 0, k = 0; k <= LAT_N; k++) {
			cum += t.lat[k];
			cv_text_printf(b, "cavra_http_request_duration_seconds_bucket"
			    "{%s,le=\"%s\"} %llu\n", lab,
			    k < LAT_N ? lat_le[k] : "+Inf", cum);
		}
		cv_text_printf(b, "cavra_http_request_duration_seconds_sum{%s} "
		    "%llu.%06llu\n", lab, t.sum_us / 1000000,
		    t.sum_us % 1000000);
		cv_text_printf(b,
		    "cavra_http_request_duration_seconds_count{%s} %llu\n", lab,
		    cum);
	}
}

/* In flight, store commits, journal depth, workers and memory. */
static void
render_process(struct cv_text *b)
{
	struct mslot		*s;
	unsigned long long	 commits = 0, records = 0, cum = 0;
	unsigned long long	 batch[BATCH_N + 1] = { 0 };
	long long		 rss;
	long			 inflight = 0, journal = 0;
	int			 i, k, pid;

	for (i = 0; i < nslots(); i++) {
		s = slot_or_own(i);
		inflight += atomic_load_explicit(&s->inflight,
		    memory_order_relaxed);
		journal += atomic_load_explicit(&s->journal,
		    memory_order_relaxed);
		commits += atomic_load_explicit(&s->commits,
		    memory_order_relaxed);
		records += atomic_load_explicit(&s->records,
		    memory_order_relaxed);
		for (k = 0; k <= BATCH_N; k++)
			batch[k] += atomic_load_explicit(&s->batch[k],
			    memory_order_relaxed);
	}
	cv_text_printf(b, "# HELP cavra_http_requests_in_flight Requests being "
	    "answered.\n# TYPE cavra_http_requests_in_flight gauge\n"
	    "cavra_http_requests_in_flight %ld\n", inflight);
	cv_text_printf(b, "# HELP cavra_store_commits_total Store transactions "
	    "committed.\n# TYPE cavra_store_commits_total counter\n"
	    "cavra_store_commits_total %llu\n", commits);
	cv_text_printf(b, "# HELP cavra_store_commit_records Records written "
	    "per store commit.\n# TYPE cavra_store_commit_records histogram\n");
	for (k = 0; k <= BATCH_N; k++) {
		cum += batch[k];
		if (k < BATCH_N)
			cv_text_printf(b, "cavra_store_commit_records_bucket"
			    "{le=\"%zu\"} %llu\n", batch_max[k], cum);
		else
			cv_text_printf(b, "cavra_store_commit_records_bucket"
			    "{le=\"+Inf\"} %llu\n", cum);
	}
	cv_text_printf(b, "cavra_store_commit_records_sum %llu\n"
	    "cavra_store_commit_records_count %llu\n", records, cum);
	cv_text_printf(b, "# HELP cavra_journal_depth Records acknowledged and "
	    "not yet stored.\n# TYPE cavra_journal_depth gauge\n"
	    "cavra_journal_depth %ld\n", journal);
	if (region == NULL)
		return;
	cv_text_printf(b, "# HELP cavra_workers Worker processes the responder "
	    "runs.\n# TYPE cavra_workers gauge\ncavra_workers %d\n",
	    head()->nworkers);
	cv_text_printf(b, "# HELP cavra_worker_restarts_total Workers restarted "
	    "after they died.\n# TYPE cavra_worker_restarts_total counter\n"
	    "cavra_worker_restarts_total %llu\n",
	    atomic_load(&head()->restarts));
	cv_text_printf(b, "# HELP cavra_resident_memory_bytes Resident memory "
	    "of each process of the responder.\n"
	    "# TYPE cavra_resident_memory_bytes gauge\n");
	if ((rss = resident(head()->parent)) >= 0)
		cv_text_printf(b,
		    "cavra_resident_memory_bytes{process=\"parent\"} "
		    "%lld\n", rss);
	for (i = 0; i < head()->nslots; i++)
		if ((pid = atomic_load(&slot_at(i)->pid)) > 0 &&
		    (rss = resident(pid)) >= 0)
			cv_text_printf(b, "cavra_resident_memory_bytes{process="
			    "\"worker\",worker=\"%d\"} %lld\n", i, rss);
}

/*
 * GET /metrics: every family in the Prometheus text format 0.0.4.  A
 * route that has not been requested has no series.  The body is in the
 * arena.
 */
static enum cv_err
h_metrics(struct cv_req *req, struct cv_resp *resp)
{
	struct cv_text	 b = { NULL, 0, 0 };
	char		*body;
	size_t		 len;

	render_requests(&b);
	render_process(&b);
	len = b.len;
	body = cv_arena_strndup(req->arena, b.p != NULL ? b.p : "", len);
	free(b.p);
	cv_resp_bytes(resp, 200, "text/plain; version=0.0.4; charset=utf-8",
	    body, len);
	return CV_OK;
}
