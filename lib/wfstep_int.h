/*
 * Internals shared by lib/wfstep.c and lib/wfstep_run.c: the request
 * context's life cycle.
 */
#ifndef WFSTEP_INT_H
#define WFSTEP_INT_H

#include "cv_wfstep.h"

/* Sets up ctx for req (step, clock, store, actor, acting name); fails
 * with the problem set. */
enum cv_err	 cv_wf_ctx_open(struct cv_wf_ctx *, struct cv_req *);
/* Stores the queue (when ctx.persist) and answers o (consumed), adding
 * "actor" for go family steps. */
enum cv_err	 cv_wf_ctx_answer(struct cv_wf_ctx *, struct cv_resp *,
		    struct json_object *o);
void		 cv_wf_ctx_close(struct cv_wf_ctx *);
/* Runs build in a context and answers: the body of every step
 * handler. */
enum cv_err	 cv_wf_run(struct cv_req *, struct cv_resp *,
		    cv_wf_build_fn build);

#endif /* !WFSTEP_INT_H */
