/*
 * FastCGI (version 1, responder role) on a unix-socket connection that a
 * request thread accepts and closes itself.  libfcgi allocated three
 * 8 KiB stream buffers and a string per parameter for every request, and
 * wrote the end of each answer with a write(2) of its own; here the
 * parameters and the body go to the request's arena, the read buffer is
 * the thread's, and an answer leaves with its end in one writev(2).
 *
 * One request at a time per connection: a second FCGI_BEGIN_REQUEST while
 * one is open is answered FCGI_CANT_MPX_CONN, a role other than responder
 * FCGI_UNKNOWN_ROLE, FCGI_GET_VALUES an empty result (no variable is
 * promised) and other management records FCGI_UNKNOWN_TYPE.  Records of
 * other requests are skipped.  Every read waits at most the receive
 * timeout set at accept (CV_FCGI_READ_TIMEOUT_MS), and a signal ends it:
 * the connection is then dropped, as is one that breaks the protocol.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cv_arena.h"
#include "cv_fcgi.h"

#define FCGI_VERSION_1		1
#define FCGI_BEGIN_REQUEST	1
#define FCGI_ABORT_REQUEST	2
#define FCGI_END_REQUEST	3
#define FCGI_PARAMS		4
#define FCGI_STDIN		5
#define FCGI_STDOUT		6
#define FCGI_GET_VALUES		9
#define FCGI_GET_VALUES_RESULT	10
#define FCGI_UNKNOWN_TYPE	11
#define FCGI_RESPONDER		1
#define FCGI_KEEP_CONN		1
#define FCGI_REQUEST_COMPLETE	0
#define FCGI_CANT_MPX_CONN	1
#define FCGI_UNKNOWN_ROLE	3
#define FCGI_HDR		8
#define FCGI_CONTENT_MAX	65535

/* A record's header. */
struct rec {
	unsigned	 type, id;
	size_t		 clen, plen;
};

void
cv_fcgi_init(struct cv_fcgi *c)
{
	memset(c, 0, offsetof(struct cv_fcgi, buf));
	c->fd = -1;
}

/* Closes the connection, if any, and frees the parameters' buffer. */
void
cv_fcgi_free(struct cv_fcgi *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->pbuf);
	cv_fcgi_init(c);
}

static void
put_hdr(unsigned char *h, unsigned type, unsigned id, size_t clen)
{
	h[0] = FCGI_VERSION_1;
	h[1] = (unsigned char)type;
	h[2] = (unsigned char)(id >> 8);
	h[3] = (unsigned char)id;
	h[4] = (unsigned char)(clen >> 8);
	h[5] = (unsigned char)clen;
	h[6] = 0;
	h[7] = 0;
}

/*
 * Writes iov[0..n) whole (the array is consumed).  0, or -1 when the
 * peer is gone (c is then broken).
 */
static int
write_all(struct cv_fcgi *c, struct iovec *iov, int n)
{
	ssize_t	 r;
	size_t	 done;
	int	 i = 0;

	while (i < n) {
		if ((r = writev(c->fd, iov + i, n - i)) < 0) {
			if (errno == EINTR)
				continue;
			c->broken = 1;
			return -1;
		}
		for (done = (size_t)r; i < n && done >= iov[i].iov_len; i++)
			done -= iov[i].iov_len;
		if (i < n) {
			iov[i].iov_base = (char *)iov[i].iov_base + done;
			iov[i].iov_len -= done;
		}
	}
	return 0;
}

/* Sends one record of type for request id with clen content bytes. */
static int
reply(struct cv_fcgi *c, unsigned type, unsigned id, const void *content,
    size_t clen)
{
	unsigned char	 h[FCGI_HDR];
	struct iovec	 iov[2] = { { h, sizeof(h) },
			    { (void *)content, clen } };

	put_hdr(h, type, id, clen);
	return write_all(c, iov, clen > 0 ? 2 : 1);
}

/* Sends FCGI_END_REQUEST for id with protocol status st. */
static int
end_request(struct cv_fcgi *c, unsigned id, unsigned st)
{
	unsigned char	 b[8] = { 0, 0, 0, 0, (unsigned char)st, 0, 0, 0 };

	return reply(c, FCGI_END_REQUEST, id, b, sizeof(b));
}

/*
 * Reads more of the connection into buf, all of whose bytes have been
 * taken.  0, or -1 on end of stream, error, timeout or signal (c is then
 * broken).
 */
static int
fill(struct cv_fcgi *c)
{
	ssize_t	 r;

	c->off = c->len = 0;
	r = recv(c->fd, c->buf, sizeof(c->buf), 0);
	if (r <= 0) {
		c->broken = 1;
		return -1;
	}
	c->full = (size_t)r == sizeof(c->buf);
	c->len = (size_t)r;
	return 0;
}

/* Copies the next n bytes of the connection to dst (or skips them when
 * dst is NULL).  0, or -1 as fill(). */
static int
take(struct cv_fcgi *c, void *dst, size_t n)
{
	size_t	 k;

	while (n > 0) {
		if (c->off == c->len && fill(c) < 0)
			return -1;
		k = c->len - c->off < n ? c->len - c->off : n;
		if (dst != NULL) {
			memcpy(dst, c->buf + c->off, k);
			dst = (char *)dst + k;
		}
		c->off += k;
		n -= k;
	}
	return 0;
}

/* Reads the next record's header.  0, or -1 (broken) on a read failure
 * or a version other than 1. */
static int
header(struct cv_fcgi *c, struct rec *r)
{
	unsigned char	 h[FCGI_HDR];

	if (take(c, h, sizeof(h)) < 0)
		return -1;
	if (h[0] != FCGI_VERSION_1) {
		c->broken = 1;
		return -1;
	}
	r->type = h[1];
	r->id = (unsigned)h[2] << 8 | h[3];
	r->clen = (size_t)h[4] << 8 | h[5];
	r->plen = h[6];
	return 0;
}

/*
 * A record that is not the one being waited for: a management record
 * (id 0) is answered, anything else skipped; a FCGI_BEGIN_REQUEST while a
 * request is open (open) is refused.  0, or -1 (broken).
 */
static int
other(struct cv_fcgi *c, const struct rec *r, int open)
{
	unsigned char	 b[8] = { 0 };

	if (take(c, NULL, r->clen + r->plen) < 0)
		return -1;
	if (r->id == 0) {
		if (r->type == FCGI_GET_VALUES)
			return reply(c, FCGI_GET_VALUES_RESULT, 0, NULL, 0);
		b[0] = (unsigned char)r->type;
		return reply(c, FCGI_UNKNOWN_TYPE, 0, b, sizeof(b));
	}
	if (r->type == FCGI_BEGIN_REQUEST && open)
		return end_request(c, r->id, FCGI_CANT_MPX_CONN);
	return 0;
}

/* A name-value pair's length at p (one byte, or four with the high bit
 * set) of the n bytes left; advances *i.  -1 when it does not fit. */
static long
nv_len(const unsigned char *p, size_t n, size_t *i)
{
	long	 l;

	if (*i >= n)
		return -1;
	if (!(p[*i] & 0x80))
		return p[(*i)++];
	if (n - *i < 4)
		return -1;
	l = (long)(p[*i] & 0x7f) << 24 | (long)p[*i + 1] << 16 |
	    (long)p[*i + 2] << 8 | p[*i + 3];
	*i += 4;
	return l;
}

/*
 * Splits the parameters' bytes (c->pbuf, n) into names and values, NUL
 * terminated copies in the arena.  0, or -1 when a pair does not fit in
 * them or there are more than CV_FCGI_PARAMS_N.
 */
static int
split(struct cv_fcgi *c, size_t n, struct cv_arena *a)
{
	const unsigned char	*p = (const unsigned char *)c->pbuf;
	size_t			 i, k, cnt = 0;
	long			 nl, vl;
	char			*s;

	for (i = 0; i < n; cnt++) {
		if ((nl = nv_len(p, n, &i)) < 0 ||
		    (vl = nv_len(p, n, &i)) < 0 || (size_t)nl > n - i ||
		    (size_t)vl > n - i - (size_t)nl)
			return -1;
		i += (size_t)nl + (size_t)vl;
	}
	if (cnt > CV_FCGI_PARAMS_N)
		return -1;
	c->names = cv_arena_alloc(a, (cnt + 1) * sizeof(*c->names));
	c->values = cv_arena_alloc(a, (cnt + 1) * sizeof(*c->values));
	s = cv_arena_alloc(a, n + 2 * cnt + 1);
	for (i = 0, k = 0; k < cnt; k++) {
		nl = nv_len(p, n, &i);
		vl = nv_len(p, n, &i);
		c->names[k] = s;
		memcpy(s, p + i, (size_t)nl);
		s += nl;
		*s++ = '\0';
		c->values[k] = s;
		memcpy(s, p + i + nl, (size_t)vl);
		s += vl;
		*s++ = '\0';
		i += (size_t)nl + (size_t)vl;
	}
	c->nparams = cnt;
	return 0;
}

/*
 * Waits for the next request: on c's kept connection, or on one accepted
 * from the listening socket lfd.  Reads its FCGI_BEGIN_REQUEST and its
 * parameters (into the arena a, where they live until its reset); the
 * body is read after, with cv_fcgi_read().  Returns 0, or -1 when accept
 * failed (errno: EINTR on a signal) or the connection ended, broke the
 * protocol or went silent for the receive timeout (it is then closed).
 */
int
cv_fcgi_next(struct cv_fcgi *c, int lfd, struct cv_arena *a)
{
	struct timeval	 tv = { CV_FCGI_READ_TIMEOUT_MS / 1000,
			    (CV_FCGI_READ_TIMEOUT_MS % 1000) * 1000 };
	unsigned char	 b[8];
	struct rec	 r;
	size_t		 n = 0, k;
	int		 open = 0, fd;

	if (c->fd < 0) {
		if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
			return -1;
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		c->fd = fd;
		c->off = c->len = 0;
		c->full = c->broken = 0;
	}
	c->nparams = 0;
	c->left = c->pad = 0;
	c->eof = 0;
	for (;;) {
		if (header(c, &r) < 0)
			goto fail;
		if (!open && r.type == FCGI_BEGIN_REQUEST && r.id != 0 &&
		    r.clen >= sizeof(b)) {
			if (take(c, b, sizeof(b)) < 0 ||
			    take(c, NULL, r.clen - sizeof(b) + r.plen) < 0)
				goto fail;
			if (((unsigned)b[0] << 8 | b[1]) != FCGI_RESPONDER) {
				if (end_request(c, r.id, FCGI_UNKNOWN_ROLE) < 0)
					goto fail;
				continue;
			}
			c->id = r.id;
			c->keep = b[2] & FCGI_KEEP_CONN;
			open = 1;
		} else if (open && r.type == FCGI_PARAMS && r.id == c->id) {
			if (r.clen == 0) {
				if (take(c, NULL, r.plen) < 0 ||
				    split(c, n, a) < 0)
					goto fail;
				return 0;
			}
			if (n + r.clen > CV_FCGI_PARAMS_MAX)
				goto fail;
			if (n + r.clen > c->pcap) {
				k = c->pcap > 0 ? c->pcap : 4096;
				while (k < n + r.clen)
					k *= 2;
				if ((c->pbuf = realloc(c->pbuf, k)) == NULL) {
					c->pcap = 0;
					goto fail;
				}
				c->pcap = k;
			}
			if (take(c, c->pbuf + n, r.clen) < 0 ||
			    take(c, NULL, r.plen) < 0)
				goto fail;
			n += r.clen;
		} else if (other(c, &r, open) < 0)
			goto fail;
	}
fail:
	close(c->fd);
	c->fd = -1;
	return -1;
}

/* The value of the request's parameter name (the first of that name), or
 * NULL. */
const char *
cv_fcgi_param(const struct cv_fcgi *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->nparams; i++)
		if (strcmp(c->names[i], name) == 0)
			return c->values[i];
	return NULL;
}

/*
 * Reads up to n bytes of the request's body to dst (skipped when dst is
 * NULL, and then n may be SIZE_MAX: to its end).  Returns how many: fewer
 * than n when the body ended (FCGI_STDIN's empty record, or
 * FCGI_ABORT_REQUEST) or the connection failed first.
 */
size_t
cv_fcgi_read(struct cv_fcgi *c, char *dst, size_t n)
{
	struct rec	 r;
	size_t		 got = 0, k;

	while (got < n && !c->eof && !c->broken) {
		if (c->left == 0) {
			if (take(c, NULL, c->pad) < 0)
				break;
			c->pad = 0;
			if (header(c, &r) < 0)
				break;
			if (r.id == c->id && (r.type == FCGI_ABORT_REQUEST ||
			    (r.type == FCGI_STDIN && r.clen == 0))) {
				c->eof = 1;
				(void)take(c, NULL, r.clen + r.plen);
			} else if (r.id == c->id && r.type == FCGI_STDIN) {
				c->left = r.clen;
				c->pad = r.plen;
			} else if (other(c, &r, 1) < 0)
				break;
			continue;
		}
		k = n - got < c->left ? n - got : c->left;
		if (take(c, dst != NULL ? dst + got : NULL, k) < 0)
			break;
		c->left -= k;
		got += k;
	}
	return got;
}

/*
 * Answers the request: out (len bytes) as FCGI_STDOUT records, then the
 * empty one and FCGI_END_REQUEST, with one writev(2) for an answer of up
 * to CV_FCGI_OUT_RECORDS records.  0, or -1 when the peer is gone.
 */
int
cv_fcgi_answer(struct cv_fcgi *c, const char *out, size_t len)
{
	struct iovec	 iov[2 * CV_FCGI_OUT_RECORDS + 2];
	unsigned char	 hdr[CV_FCGI_OUT_RECORDS][FCGI_HDR];
	unsigned char	 end[2 * FCGI_HDR + 8] = { 0 };
	size_t		 off = 0, k;
	int		 n, i;

	if (c->fd < 0 || c->broken)
		return -1;
	put_hdr(end, FCGI_STDOUT, c->id, 0);
	put_hdr(end + FCGI_HDR, FCGI_END_REQUEST, c->id, 8);
	end[2 * FCGI_HDR + 4] = FCGI_REQUEST_COMPLETE;
	do {
		for (n = 0, i = 0; i < CV_FCGI_OUT_RECORDS && off < len; i++) {
			k = len - off < FCGI_CONTENT_MAX ? len - off :
			    FCGI_CONTENT_MAX;
			put_hdr(hdr[i], FCGI_STDOUT, c->id, k);
			iov[n].iov_base = hdr[i];
			iov[n++].iov_len = FCGI_HDR;
			iov[n].iov_base = (void *)(out + off);
			iov[n++].iov_len = k;
			off += k;
		}
		if (off == len) {
			iov[n].iov_base = end;
			iov[n++].iov_len = sizeof(end);
		}
		if (write_all(c, iov, n) < 0)
			return -1;
	} while (off < len);
	return 0;
}

/*
 * Ends the request.  The rest of its body is read first (so that a close
 * with unread bytes does not reset the connection: the server's next
 * read would fail and nginx answer 502); a kept connection then waits
 * for the next request, another is closed, after reading without
 * waiting, up to CV_FCGI_DRAIN_MAX, what may have followed the body when
 * the last read filled the buffer.
 */
void
cv_fcgi_end(struct cv_fcgi *c)
{
	char	 buf[4096];
	size_t	 left = CV_FCGI_DRAIN_MAX;
	ssize_t	 r;

	if (c->fd < 0)
		return;
	if (!c->eof)
		(void)cv_fcgi_read(c, NULL, SIZE_MAX);
	if (c->keep && !c->broken)
		return;
	if (c->full && !c->broken)
		while (left > 0 && (r = recv(c->fd, buf, sizeof(buf),
		    MSG_DONTWAIT)) > 0)
			left -= (size_t)r < left ? (size_t)r : left;
	close(c->fd);
	c->fd = -1;
}
