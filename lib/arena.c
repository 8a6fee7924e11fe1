/*
 * Per-request arena: a list of chunks, bump allocation, released in one
 * place (cv_arena_reset) after each response.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cv_arena.h"
#include "cv_limits.h"
#include "cv_util.h"

struct cv_arena_chunk {
	struct cv_arena_chunk	*next;
	size_t			 size;	/* usable bytes in data */
	_Alignas(16) unsigned char data[];
};

#define ALIGN16(n)	(((n) + 15) & ~(size_t)15)

void
cv_arena_init(struct cv_arena *a)
{
	a->head = NULL;
	a->used = 0;
}

/*
 * Releases every chunk but the first one allocated (the oldest, which has
 * the standard size), so a steady stream of small requests never calls
 * malloc.
 */
void
cv_arena_reset(struct cv_arena *a)
{
	struct cv_arena_chunk	*c, *next;

	if (a->head == NULL)
		return;
	c = a->head;
	while (c->next != NULL) {
		next = c->next;
		free(c);
		c = next;
	}
	a->head = c;
	a->used = 0;
	if (c->size != CV_ARENA_CHUNK) {
		free(c);
		a->head = NULL;
	}
}

void
cv_arena_free(struct cv_arena *a)
{
	struct cv_arena_chunk	*c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->used = 0;
}

/*
 * Returns n zeroed bytes aligned to 16.  A request larger than a chunk
 * gets a chunk of its own.  Exits the process on out-of-memory.
 */
void *
cv_arena_alloc(struct cv_arena *a, size_t n)
{
	struct cv_arena_chunk	*c;
	size_t			 need, size;
	void			*p;

	need = ALIGN16(n == 0 ? 1 : n);
	if (need < n)
		cv_fatal("arena: allocation of %zu bytes overflows", n);
	if (a->head == NULL || a->head->size - a->used < need) {
		size = need > CV_ARENA_CHUNK ? need : CV_ARENA_CHUNK;
		c = malloc(sizeof(*c) + size);
		if (c == NULL)
			cv_fatal("arena: out of memory (%zu bytes)", size);
		c->size = size;
		if (a->head != NULL && size != CV_ARENA_CHUNK) {
			/* Oversized: keep the current chunk as the head. */
			c->next = a->head->next;
			a->head->next = c;
			memset(c->data, 0, need);
			return c->data;
		}
		c->next = a->head;
		a->head = c;
		a->used = 0;
	}
	p = a->head->data + a->used;
	a->used += need;
	memset(p, 0, need);
	return p;
}

char *
cv_arena_strndup(struct cv_arena *a, const char *s, size_t n)
{
	char	*p;

	p = cv_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
cv_arena_strdup(struct cv_arena *a, const char *s)
{
	return cv_arena_strndup(a, s, strlen(s));
}

char *
cv_arena_vprintf(struct cv_arena *a, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n;
	char	*p, buf[512];

	/* Short texts are printed once; a longer one is measured by this
	 * first pass (which glibc does slowly past the buffer: print large
	 * texts with memcpy, not through here). */
	va_copy(ap2, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		cv_fatal("arena: bad format \"%s\"", fmt);
	p = cv_arena_alloc(a, (size_t)n + 1);
	if ((size_t)n < sizeof(buf))
		memcpy(p, buf, (size_t)n + 1);
	else
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
cv_arena_printf(struct cv_arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = cv_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

char *
cv_arena_join(struct cv_arena *a, const char *const *list)
{
	char	*s = cv_arena_strdup(a, "");

	for (; list != NULL && *list != NULL; list++)
		s = cv_arena_printf(a, "%s%s%s", s, *s != '\0' ? ", " : "",
		    *list);
	return s;
}
