/*
 * Per-responder metrics, served by the library itself as GET /metrics in
 * the Prometheus text format (version 0.0.4) on every responder.
 *
 * A responder runs several worker processes with several threads each.
 * Before it forks, the parent maps one MAP_SHARED anonymous region with
 * one slot per worker; a worker adds to its own slot with relaxed
 * atomics (no lock, no system call on the request path), and whichever
 * worker answers /metrics sums every slot.  A worker that dies leaves its
 * counters in its slot and its replacement adds to them, so totals never
 * go down; the parent clears the dead worker's gauges (requests in
 * flight, journal depth).
 *
 * What is counted:
 *  - requests by route (pattern and method of the route table, or
 *    route="/metrics"; requests that match no route are counted as
 *    route="unmatched" with the request's method) and status class;
 *  - a latency histogram per route, from the moment the request's
 *    parameters are read to the moment its answer is rendered;
 *  - requests in flight;
 *  - store commits and their batch sizes, and the journal depth, as the
 *    store and journal code reports them with cv_metrics_commit() and
 *    cv_metrics_journal_depth();
 *  - worker restarts, and the resident memory of the parent and each
 *    worker (from /proc/PID/statm).
 *
 * cv_metrics_commit() and cv_metrics_journal_depth() may be called from
 * any thread of any program: before cv_serve_main() has given the process
 * a slot (tests, the CLI, the parent) they count in a slot of the
 * process's own, which nothing reports.
 */
#ifndef CV_METRICS_H
#define CV_METRICS_H

#include <stddef.h>

#include "cv_err.h"

struct cv_app;
struct cv_req;
struct cv_route;

/* After a store transaction committed: `records` records written. */
void		 cv_metrics_commit(size_t records);
/* Sets the journal depth gauge of this process: records acknowledged
 * and not yet stored. */
void		 cv_metrics_journal_depth(long n);

/*
 * Used by the serve loop and dispatch only.
 */

/* The built-in route GET /metrics (HEAD too); dispatch answers it before
 * the application's table, which never lists it (--routes). */
extern const struct cv_route	cv_metrics_route;

/* Parent, before the first fork: maps the shared region for `nworkers`
 * slots and `app`'s routes.  CV_ENOMEM (logged) when mmap(2) fails.
 * cv_metrics_fini() unmaps it. */
enum cv_err	 cv_metrics_init(const struct cv_app *, int nworkers);
void		 cv_metrics_fini(void);
/* Worker, right after fork: this process adds to slot `slot` from now
 * on. */
void		 cv_metrics_worker(int slot);
/* Parent, after reaping the worker of `slot`: clears its gauges and its
 * pid; `restart` != 0 counts a restart. */
void		 cv_metrics_worker_gone(int slot, int restart);
/* A request thread: a request starts; it ends (status, microseconds),
 * counted under req->route. */
void		 cv_metrics_begin(void);
void		 cv_metrics_end(const struct cv_req *, int status,
		    long long us);

#endif /* !CV_METRICS_H */
