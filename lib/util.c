/*
 * Time stamps, random ids, environment, logging and allocation that
 * exits on failure (long-lived state only).
 */
#include "config.h"

#include <sys/random.h>

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cv_arena.h"
#include "cv_limits.h"
#include "cv_util.h"

/*
 * Formats ts as "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00" (UTC).
 */
void
cv_ts_format(char *buf, size_t len, const struct timespec *ts)
{
	struct tm	 tm;
	long		 usec;
	size_t		 n;

	gmtime_r(&ts->tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	usec = ts->tv_nsec / 1000;
	if (usec != 0)
		snprintf(buf + n, len - n, ".%06ld+00:00", usec);
	else
		snprintf(buf + n, len - n, "+00:00");
}

void
cv_ts_now(char *buf, size_t len)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	cv_ts_format(buf, len, &ts);
}

/*
 * Random bytes for ids: each thread keeps a pool of CV_RAND_POOL bytes
 * from getrandom(2) and refills it when used up, so an id costs no system
 * call.  A forked child's pool is emptied (pthread_atfork), so parent and
 * child never hand out the same bytes; the child also draws a new start
 * for cv_time_id()'s sequence.
 */
static _Thread_local unsigned char	 pool[CV_RAND_POOL];
static _Thread_local size_t		 pool_left;
static pthread_once_t			 pool_once = PTHREAD_ONCE_INIT;

static pthread_mutex_t	 seq_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_int	 seq_started;	/* seq_next drawn in this process */
static _Atomic uint64_t	 seq_next;	/* next cv_time_id() sequence number */

static void
pool_forked(void)
{
	explicit_bzero(pool, sizeof(pool));
	pool_left = 0;
	pthread_mutex_init(&seq_mu, NULL);
	atomic_store(&seq_started, 0);
}

static void
pool_init(void)
{
	if (pthread_atfork(NULL, NULL, pool_forked) != 0)
		cv_fatal("pthread_atfork failed");
}

/* Fills the calling thread's pool; fatal when getrandom(2) fails. */
static void
pool_fill(void)
{
	size_t	 got;
	ssize_t	 r;

	for (got = 0; got < sizeof(pool); got += (size_t)r) {
		r = getrandom(pool + got, sizeof(pool) - got, 0);
		if (r < 0 && errno == EINTR) {
			r = 0;
			continue;
		}
		if (r < 0)
			cv_fatal("getrandom: %s", strerror(errno));
	}
	pool_left = sizeof(pool);
}

/*
 * Fills buf with n lowercase hex digits and a NUL (buf holds n + 1), from
 * the thread's pool of random bytes.
 */
void
cv_rand_hex(char *buf, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 b = 0;
	size_t			 i;

	pthread_once(&pool_once, pool_init);
	for (i = 0; i < n; i++) {
		if (i % 2 == 0) {
			if (pool_left == 0)
				pool_fill();
			b = pool[sizeof(pool) - pool_left];
			pool[sizeof(pool) - pool_left] = 0;
			pool_left--;
		}
		*buf++ = hex[(b >> (i % 2 ? 0 : 4)) & 0xf];
	}
	*buf = '\0';
}

char *
cv_rand_id(struct cv_arena *a, const char *prefix, size_t n)
{
	size_t	 plen;
	char	*p;

	plen = strlen(prefix);
	p = cv_arena_alloc(a, plen + n + 1);
	memcpy(p, prefix, plen);
	cv_rand_hex(p + plen, n);
	return p;
}

/*
 * An id of `prefix` and n hex digits from arena a (n at most 16 + one
 * CV_ID_TIME_HEX): the first CV_ID_TIME_HEX digits are the current second
 * modulo 16^CV_ID_TIME_HEX, the rest a sequence number of the process that
 * starts at a random value (drawn again in a forked child) and goes up by
 * one per id.  Ids made close in time sort close together, so a store's id
 * index takes a burst of them in one page instead of one page each; and
 * two ids of one process never meet (the sequence would have to go round
 * its 16^(n - CV_ID_TIME_HEX) values), where random digits would.  With n
 * at most CV_ID_TIME_HEX the id is random.
 */
char *
cv_time_id(struct cv_arena *a, const char *prefix, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned long		 t = (unsigned long)time(NULL);
	uint64_t		 seq;
	char			*p, r[17];
	size_t			 i, plen;

	if (n <= CV_ID_TIME_HEX || n - CV_ID_TIME_HEX > 16)
		return cv_rand_id(a, prefix, n);
	if (!atomic_load(&seq_started)) {
		/* Drawn once per process; cv_rand_hex() has registered
		 * pool_forked(), which makes a child draw again. */
		cv_rand_hex(r, 16);
		pthread_mutex_lock(&seq_mu);
		if (!atomic_load(&seq_started)) {
			atomic_store(&seq_next, strtoull(r, NULL, 16));
			atomic_store(&seq_started, 1);
		}
		pthread_mutex_unlock(&seq_mu);
	}
	seq = atomic_fetch_add(&seq_next, 1);
	plen = strlen(prefix);
	p = cv_arena_alloc(a, plen + n + 1);
	memcpy(p, prefix, plen);
	p[plen + n] = '\0';
	for (i = n; i > CV_ID_TIME_HEX; i--, seq >>= 4)
		p[plen + i - 1] = hex[seq & 0xf];
	for (; i > 0; i--, t >>= 4)
		p[plen + i - 1] = hex[t & 0xf];
	return p;
}

/* *ts = now + ms on clock `clock`: a deadline for a timed wait. */
void
cv_deadline(struct timespec *ts, clockid_t clock, long ms)
{
	clock_gettime(clock, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

const char *
cv_env(const char *name)
{
	const char	*v;

	v = getenv(name);
	return (v == NULL || *v == '\0') ? NULL : v;
}

/*
 * Request lines of a threaded worker gather in log_buf (cv_log_request())
 * and go out in one write(2) when the next would not fit, when
 * cv_log_flush() is called (every CV_LOG_FLUSH_MS by the worker, and when
 * it stops), or before any other line, so lines keep their order.  The
 * buffer is at most PIPE_BUF bytes: a write to a pipe that small is not
 * interleaved with other processes' lines.
 */
static pthread_mutex_t	 log_mu = PTHREAD_MUTEX_INITIALIZER;
static char		 log_buf[CV_LOG_BUF_MAX];
_Static_assert(CV_LOG_BUF_MAX >= 2048, "a log line (2048 bytes) fits log_buf");
static size_t		 log_len;
static int		 log_buffered;

/* Writes what log_buf holds; log_mu held. */
static void
log_flush_locked(void)
{
	if (log_len > 0)
		(void)write(STDERR_FILENO, log_buf, log_len);
	log_len = 0;
}

/* Formats one line, newline included, into buf; returns its length. */
static size_t
log_format(char *buf, size_t size, const char *fmt, va_list ap)
{
	int	 n;

	n = vsnprintf(buf, size - 1, fmt, ap);
	if (n < 0)
		return 0;
	if ((size_t)n > size - 2)
		n = (int)size - 2;
	buf[n++] = '\n';
	return (size_t)n;
}

static void
vlog(const char *fmt, va_list ap)
{
	char	 buf[2048];
	size_t	 n;

	if ((n = log_format(buf, sizeof(buf), fmt, ap)) == 0)
		return;
	if (!log_buffered) {
		/* One write(2) so lines from several workers do not
		 * interleave. */
		(void)write(STDERR_FILENO, buf, n);
		return;
	}
	pthread_mutex_lock(&log_mu);
	log_flush_locked();
	(void)write(STDERR_FILENO, buf, n);
	pthread_mutex_unlock(&log_mu);
}

/*
 * on: from now on, request lines (cv_log_request()) of this process are
 * gathered, and whoever calls this calls cv_log_flush() every
 * CV_LOG_FLUSH_MS.  off: what is gathered is written, and lines go out
 * as they come again.  Called while the process has one thread.
 */
void
cv_log_buffer(int on)
{
	if (!on)
		cv_log_flush();
	log_buffered = on;
}

void
cv_log_flush(void)
{
	if (!log_buffered)
		return;
	pthread_mutex_lock(&log_mu);
	log_flush_locked();
	pthread_mutex_unlock(&log_mu);
}

/* A request line: as cv_log(), gathered once cv_log_buffer() was called. */
void
cv_log_request(const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[2048];
	size_t	 n;

	va_start(ap, fmt);
	if (!log_buffered) {
		vlog(fmt, ap);
		va_end(ap);
		return;
	}
	n = log_format(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&log_mu);
	/* A line (at most sizeof(buf)) always fits an empty log_buf. */
	if (log_len + n > sizeof(log_buf))
		log_flush_locked();
	memcpy(log_buf + log_len, buf, n);
	log_len += n;
	pthread_mutex_unlock(&log_mu);
}

void
cv_log(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

/*
 * Logs one line (after any gathered request lines) and ends the process
 * with status 1 through _exit(2): no atexit handler or stdio flush runs,
 * since other threads may still use what those would tear down.  In a
 * worker, the parent then starts a new one.
 */
void
cv_fatal(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
	cv_log_flush();
	_exit(1);
}

void *
cv_xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		cv_fatal("out of memory (%zu bytes)", n);
	return p;
}

void *
cv_xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		cv_fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

char *
cv_xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		cv_fatal("out of memory (strdup)");
	return p;
}

void
cv_text_add(struct cv_text *t, const char *p, size_t n)
{
	size_t	 cap;

	if (t->len + n + 1 > t->cap) {
		cap = t->cap == 0 ? 256 : t->cap;
		while (cap < t->len + n + 1)
			cap *= 2;
		if ((t->p = realloc(t->p, cap)) == NULL)
			cv_fatal("out of memory (%zu bytes)", cap);
		t->cap = cap;
	}
	memcpy(t->p + t->len, p, n);
	t->len += n;
	t->p[t->len] = '\0';
}

void
cv_text_str(struct cv_text *t, const char *s)
{
	cv_text_add(t, s, strlen(s));
}

void
cv_text_printf(struct cv_text *t, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(t->p != NULL ? t->p + t->len : NULL, t->cap - t->len,
	    fmt, ap);
	va_end(ap);
	if (n < 0)
		cv_fatal("cannot format \"%s\"", fmt);
	if ((size_t)n >= t->cap - t->len) {
		cv_text_add(t, "", 0);	/* a buffer, if none yet */
		while ((size_t)n >= t->cap - t->len) {
			if ((t->p = realloc(t->p, t->cap * 2)) == NULL)
				cv_fatal("out of memory (%zu bytes)",
				    t->cap * 2);
			t->cap *= 2;
		}
		va_start(ap, fmt);
		vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
	}
	t->len += (size_t)n;
}

int
cv_strv_has(const char *const *list, const char *s)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* n decimal digits at *p into *v, and *p past them: 0, or -1 when one
 * is not a digit. */
static int
digits(const char **p, int n, int *v)
{
	int	 i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

int
cv_iso_time(const char *s, int64_t *us)
{
	struct tm	 tm;
	const char	*p = s;
	int		 y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0;
	int64_t		 frac = 0, scale = 1000000;
	time_t		 t;
	int		 sign = 0;

	if (s == NULL || digits(&p, 4, &y) == -1 || *p++ != '-' ||
	    digits(&p, 2, &mo) == -1 || *p++ != '-' ||
	    digits(&p, 2, &d) == -1)
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) == -1 || *p++ != ':' ||
		    digits(&p, 2, &mi) == -1)
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec) == -1)
				return -1;
			if (*p == '.' || *p == ',') {
				p++;
				if (!isdigit((unsigned char)*p))
					return -1;
				for (; isdigit((unsigned char)*p); p++)
					if (scale > 1) {
						scale /= 10;
						frac += (*p - '0') * scale;
					}
			}
		}
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh) == -1)
			return -1;
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)*p) && digits(&p, 2, &om) == -1)
			return -1;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 59 || oh > 23 || om > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (tm.tm_mday != d)	/* 31 February */
		return -1;
	*us = ((int64_t)t - sign * (oh * 3600 + om * 60)) * 1000000 + frac;
	return 0;
}

void
cv_seterr(char *buf, size_t len, const char *fmt, ...)
{
	va_list	 ap;

	if (buf == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}
