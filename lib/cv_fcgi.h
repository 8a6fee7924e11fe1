/*
 * FastCGI on a connection the worker owns (a unix socket it accepted):
 * the request's parameters and body read into the request's arena, the
 * answer written with its end in one writev(2).  No allocation per
 * request but the arena's.  See lib/fcgi.c.
 */
#ifndef CV_FCGI_H
#define CV_FCGI_H

#include <stddef.h>

#include "cv_limits.h"

struct cv_arena;

/* One request thread's connection and read buffer. */
struct cv_fcgi {
	int		 fd;		/* -1: none open */
	unsigned	 id;		/* the request's id */
	int		 keep;		/* FCGI_KEEP_CONN: the server keeps
					   the connection for another */
	int		 eof;		/* the request's body has ended */
	size_t		 left;		/* content bytes left in the current
					   FCGI_STDIN record */
	size_t		 pad;		/* and its padding bytes */
	size_t		 nparams;
	const char	**names, **values;	/* arena's */
	char		*pbuf;		/* the parameters' bytes, kept */
	size_t		 pcap;
	size_t		 off, len;	/* unread bytes of buf */
	int		 full;		/* the last read filled buf */
	int		 broken;	/* a read or write failed: close */
	unsigned char	 buf[CV_FCGI_BUF];
};

void		 cv_fcgi_init(struct cv_fcgi *);
void		 cv_fcgi_free(struct cv_fcgi *);
int		 cv_fcgi_next(struct cv_fcgi *, int, struct cv_arena *);
const char	*cv_fcgi_param(const struct cv_fcgi *, const char *);
size_t		 cv_fcgi_read(struct cv_fcgi *, char *, size_t);
int		 cv_fcgi_answer(struct cv_fcgi *, const char *, size_t);
void		 cv_fcgi_end(struct cv_fcgi *);

#endif
