/*
 * Time stamps, random ids, environment, logging and allocation that
 * exits on failure (long-lived state only).
 */
#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
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
 * child never hand out the same bytes.
 */
static _Thread_local unsigned char	 pool[CV_RAND_POOL];
static _Thread_local size_t		 pool_left;
static pthread_once_t			 pool_once = PTHREAD_ONCE_INIT;

static void
pool_forked(void)
{
	explicit_bzero(pool, sizeof(pool));
	pool_left = 0;
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

const char *
cv_env(const char *name)
{
	const char	*v;

	v = getenv(name);
	return (v == NULL || *v == '\0') ? NULL : v;
}

static void
vlog(const char *fmt, va_list ap)
{
	char	 buf[2048];
	int	 n;

	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	/* One write(2) so lines from several workers do not interleave. */
	(void)write(STDERR_FILENO, buf, (size_t)n);
}

void
cv_log(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void
cv_fatal(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
	exit(1);
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
