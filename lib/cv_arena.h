/*
 * Per-request arena.  Everything allocated from it lives until
 * cv_arena_reset(), which the serve loop calls once after each response.
 * Allocation never fails: on out-of-memory the process logs and exits,
 * and the responder's parent restarts the worker (h2o's policy).
 */
#ifndef CV_ARENA_H
#define CV_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct cv_arena_chunk;

struct cv_arena {
	struct cv_arena_chunk	*head;	/* newest chunk first */
	size_t			 used;	/* bytes used in head */
};

void	 cv_arena_init(struct cv_arena *);
void	 cv_arena_reset(struct cv_arena *);	/* keeps one chunk */
void	 cv_arena_free(struct cv_arena *);	/* releases every chunk */
void	*cv_arena_alloc(struct cv_arena *, size_t);	/* zeroed, aligned */
char	*cv_arena_strdup(struct cv_arena *, const char *);
char	*cv_arena_strndup(struct cv_arena *, const char *, size_t);
char	*cv_arena_printf(struct cv_arena *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
char	*cv_arena_vprintf(struct cv_arena *, const char *, va_list);
/* "a, b, c" of a NULL-terminated list of strings. */
char	*cv_arena_join(struct cv_arena *, const char *const *);

#endif /* !CV_ARENA_H */
