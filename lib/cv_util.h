/*
 * Small shared utilities: time stamps in the CAVRA format and ISO 8601
 * times read back, random ids, environment lookups and logging to
 * stderr.
 */
#ifndef CV_UTIL_H
#define CV_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct cv_arena;

#define CV_TS_LEN	40	/* buffer for cv_ts_format() */

/* "YYYY-MM-DDTHH:MM:SS.ffffff+00:00"; the fraction is left out when the
 * microseconds are zero, as Python's isoformat() does. */
void		 cv_ts_format(char *, size_t, const struct timespec *);
void		 cv_ts_now(char *, size_t);
/* prefix + n lowercase hex digits from getrandom(2), into the arena. */
char		*cv_rand_id(struct cv_arena *, const char *prefix, size_t n);
/* The same with the second (mod 4096) first, then a per-process sequence. */
char		*cv_time_id(struct cv_arena *, const char *prefix, size_t n);
void		 cv_rand_hex(char *, size_t n);	/* n hex digits + NUL */

/*
 * An ISO 8601 time as microseconds since the epoch: YYYY-MM-DD, then
 * optionally T (t or a space) and HH:MM[:SS[.fraction]], and Z or an
 * offset +HH[[:]MM]; without one the time is UTC.  Digits of the
 * fraction past the sixth are dropped, as Python's datetime does.  0, or
 * -1 when s is NULL or not such a time (31 February included).
 */
int		 cv_iso_time(const char *s, int64_t *us);

/* *ts = now + ms on the clock given: a deadline for a timed wait. */
void		 cv_deadline(struct timespec *, clockid_t, long ms);

/* printf into buf of len bytes, truncated; nothing when buf is NULL or
 * len is 0.  For the error buffers callers may leave out. */
void		 cv_seterr(char *buf, size_t len, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

/* Environment value, or NULL when unset or empty. */
const char	*cv_env(const char *);

/* Request lines: gathered and written in groups once cv_log_buffer()
 * was called (threaded workers), flushed by cv_log_flush() and before
 * any cv_log() line. */
void		 cv_log_request(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
void		 cv_log_buffer(int on);
void		 cv_log_flush(void);
void		 cv_log(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
void		 cv_fatal(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2), noreturn));

/* Whether the NULL-terminated list (or NULL) holds the string s. */
int		 cv_strv_has(const char *const *list, const char *s);

/* A growable text (malloc'ed, always NUL-terminated once written; the
 * caller frees p).  Allocation failure is fatal, as for cv_xmalloc(). */
struct cv_text {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

void		 cv_text_add(struct cv_text *, const char *, size_t);
void		 cv_text_str(struct cv_text *, const char *);
void		 cv_text_printf(struct cv_text *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* Allocation that exits on failure (long-lived state only). */
void		*cv_xmalloc(size_t);
void		*cv_xcalloc(size_t, size_t);
char		*cv_xstrdup(const char *);

#endif /* !CV_UTIL_H */
