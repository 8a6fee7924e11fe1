/*
 * fcgi-client: a FastCGI client that talks to a responder's unix socket
 * the ways a web server may, and some it should not, for
 * tests/fcgi-conn.sh.
 *
 *   fcgi-client SOCKET get PATH [N]
 *	N (default 1) GET requests on one connection; all but the last ask
 *	the responder to keep the connection (FCGI_KEEP_CONN).  Prints each
 *	response's Status line, then "closed" if the responder closed the
 *	connection after the last one.
 *   fcgi-client SOCKET extra PATH
 *	One GET, then 64 KiB of records the responder does not read (of a
 *	type it does not know), more than it reads at once; prints the
 *	Status line, and "closed" when the connection ends cleanly after
 *	FCGI_END_REQUEST (a reset is an error).
 *   fcgi-client SOCKET short PATH
 *	One GET whose CONTENT_LENGTH says 100 bytes and whose body ends
 *	after 10; prints the Status line and the response body.
 *   fcgi-client SOCKET big PATH
 *	One GET with a body of 2 MiB, which the responder answers (413)
 *	before reading it; prints the Status line, and "closed" when the
 *	connection ends cleanly.
 *   fcgi-client SOCKET silent | partial
 *	Connects and sends nothing, or half a record header; prints the
 *	milliseconds until the responder closes the connection.
 *   fcgi-client SOCKET req METHOD URI [NAME=VALUE ...]
 *	One request without a body: REQUEST_METHOD, REQUEST_URI (URI),
 *	DOCUMENT_URI and QUERY_STRING (its parts), then each NAME=VALUE
 *	as a parameter (values may hold any byte but NUL); prints the
 *	response as the responder wrote it (headers, blank line, body).
 *
 * Exits 0 when the exchange went as described, 1 otherwise (with a line
 * on standard error), 2 on bad usage.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FCGI_BEGIN_REQUEST	1
#define FCGI_END_REQUEST	3
#define FCGI_PARAMS		4
#define FCGI_STDIN		5
#define FCGI_STDOUT		6
#define FCGI_STDERR		7
#define FCGI_RESPONDER		1
#define FCGI_KEEP_CONN		1
#define WAIT_MS			30000	/* longest wait for the responder */
#define BIG_BODY		(2 * 1024 * 1024)	/* "big": a multiple of
							   32 KiB */

static int
connect_to(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "fcgi-client: socket path too long\n");
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		fprintf(stderr, "fcgi-client: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const unsigned char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "fcgi-client: write: %s\n",
			    strerror(errno));
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Appends a record of type and content to buf at *len (buf is large). */
static void
record(unsigned char *buf, size_t *len, int type, int id,
    const unsigned char *content, size_t clen)
{
	unsigned char	*h = buf + *len;

	h[0] = 1;
	h[1] = (unsigned char)type;
	h[2] = (unsigned char)(id >> 8);
	h[3] = (unsigned char)id;
	h[4] = (unsigned char)(clen >> 8);
	h[5] = (unsigned char)clen;
	h[6] = 0;
	h[7] = 0;
	if (clen > 0)
		memcpy(h + 8, content, clen);
	*len += 8 + clen;
}

/* Appends a name-value pair length: one byte below 128, else four. */
static size_t
pair_len(unsigned char *p, size_t n)
{
	if (n < 128) {
		p[0] = (unsigned char)n;
		return 1;
	}
	p[0] = (unsigned char)(0x80 | (n >> 24));
	p[1] = (unsigned char)(n >> 16);
	p[2] = (unsigned char)(n >> 8);
	p[3] = (unsigned char)n;
	return 4;
}

/* Appends one name-value pair to p (room for both and 8 bytes). */
static size_t
pair(unsigned char *p, const char *name, const char *value)
{
	size_t	 nl = strlen(name), vl = strlen(value), h;

	h = pair_len(p, nl);
	h += pair_len(p + h, vl);
	memcpy(p + h, name, nl);
	memcpy(p + h + nl, value, vl);
	return h + nl + vl;
}

/* A whole GET request for path with request id 1 into buf; with body,
 * CONTENT_LENGTH says clen and body is sent. */
static size_t
get_request(unsigned char *buf, const char *path, int keep,
    const char *body, const char *clen)
{
	unsigned char	 begin[8] = { 0, FCGI_RESPONDER, 0, 0, 0, 0, 0, 0 };
	unsigned char	 params[1024];
	size_t		 len = 0, pl = 0;

	begin[2] = keep ? FCGI_KEEP_CONN : 0;
	record(buf, &len, FCGI_BEGIN_REQUEST, 1, begin, sizeof(begin));
	pl += pair(params + pl, "REQUEST_METHOD", "GET");
	pl += pair(params + pl, "REQUEST_URI", path);
	pl += pair(params + pl, "DOCUMENT_URI", path);
	pl += pair(params + pl, "SCRIPT_NAME", path);
	pl += pair(params + pl, "QUERY_STRING", "");
	pl += pair(params + pl, "SERVER_PROTOCOL", "HTTP/1.1");
	if (body != NULL)
		pl += pair(params + pl, "CONTENT_LENGTH", clen);
	record(buf, &len, FCGI_PARAMS, 1, params, pl);
	record(buf, &len, FCGI_PARAMS, 1, NULL, 0);
	if (body != NULL)
		record(buf, &len, FCGI_STDIN, 1, (const unsigned char *)body,
		    strlen(body));
	record(buf, &len, FCGI_STDIN, 1, NULL, 0);
	return len;
}

/* Sends a GET for path with a body of BIG_BODY bytes, in records of
 * 32 KiB; buf is scratch of at least 40 KiB. */
static int
send_big(int fd, const char *path, unsigned char *buf)
{
	static unsigned char	 chunk[32768];
	char			 clen[32];
	size_t			 len, sent;

	snprintf(clen, sizeof(clen), "%d", BIG_BODY);
	memset(chunk, ' ', sizeof(chunk));
	/* The request's head: all but its (empty) body records. */
	len = get_request(buf, path, 0, "", clen);
	len -= 16;
	if (write_all(fd, buf, len) != 0)
		return -1;
	for (sent = 0; sent < BIG_BODY; sent += sizeof(chunk)) {
		len = 0;
		record(buf, &len, FCGI_STDIN, 1, chunk, sizeof(chunk));
		if (write_all(fd, buf, len) != 0)
			return -1;
	}
	len = 0;
	record(buf, &len, FCGI_STDIN, 1, NULL, 0);
	return write_all(fd, buf, len);
}

/* Reads exactly n bytes, waiting at most WAIT_MS.  1 on success, 0 on
 * end of stream before any byte, -1 on error (reported). */
static int
read_full(int fd, unsigned char *p, size_t n)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	size_t		 got = 0;
	ssize_t		 r;

	while (got < n) {
		if (poll(&pfd, 1, WAIT_MS) != 1) {
			fprintf(stderr, "fcgi-client: no answer in %d ms\n",
			    WAIT_MS);
			return -1;
		}
		if ((r = read(fd, p + got, n - got)) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "fcgi-client: read: %s\n",
			    strerror(errno));
			return -1;
		}
		if (r == 0) {
			if (got == 0)
				return 0;
			fprintf(stderr, "fcgi-client: stream ends inside a "
			    "record\n");
			return -1;
		}
		got += (size_t)r;
	}
	return 1;
}

/* Reads one response up to FCGI_END_REQUEST and prints its Status line,
 * and with body, the response body.  0 on success, -1 on error. */
/*
 * Reads the next record: its header into h, its content and padding
 * into c (room for 65535 + 255 bytes); the content length in *clen.  0,
 * or -1 (with a line on standard error when the stream ended first).
 */
static int
read_record(int fd, unsigned char h[8], unsigned char *c, size_t *clen)
{
	int	 r;

	if ((r = read_full(fd, h, 8)) <= 0) {
		if (r == 0)
			fprintf(stderr, "fcgi-client: closed before "
			    "FCGI_END_REQUEST\n");
		return -1;
	}
	*clen = (size_t)h[4] << 8 | h[5];
	if (*clen + h[6] > 0 && read_full(fd, c, *clen + h[6]) <= 0)
		return -1;
	return 0;
}

static int
read_response(int fd, int body_too)
{
	unsigned char	 h[8], c[65536 + 256];
	char		*s, *e;
	size_t		 clen, out = 0;
	char		 body[65536];

	for (;;) {
		if (read_record(fd, h, c, &clen) != 0)
			return -1;
		if (h[1] == FCGI_STDOUT && out + clen < sizeof(body)) {
			memcpy(body + out, c, clen);
			out += clen;
		} else if (h[1] == FCGI_END_REQUEST)
			break;
		else if (h[1] != FCGI_STDOUT && h[1] != FCGI_STDERR) {
			fprintf(stderr, "fcgi-client: record type %d\n", h[1]);
			return -1;
		}
	}
	body[out] = '\0';
	if ((s = strstr(body, "Status: ")) == NULL) {
		fprintf(stderr, "fcgi-client: no Status header\n");
		return -1;
	}
	if ((e = strstr(s, "\r\n")) != NULL)
		*e = '\0';
	printf("%s\n", s);
	if (body_too && e != NULL && (e = strstr(e + 2, "\r\n\r\n")) != NULL)
		printf("%s\n", e + 4);
	return 0;
}

/*
 * "req": one request of method and uri with the extra parameters
 * params[0..nparams) ("NAME=VALUE"), whose response is copied to
 * standard output.  0 on success, -1 on error.
 */
static int
raw_request(int fd, const char *method, const char *uri, char **params,
    int nparams)
{
	static unsigned char	 buf[65536], p[60000];
	unsigned char		 begin[8] = { 0, FCGI_RESPONDER, 0, 0, 0, 0, 0,
				    0 };
	unsigned char		 h[8], c[65536 + 256];
	char			 path[4096], *eq;
	const char		*q;
	size_t			 len = 0, pl = 0, n, clen;
	int			 i;

	q = strchr(uri, '?');
	n = q != NULL ? (size_t)(q - uri) : strlen(uri);
	if (n >= sizeof(path))
		return -1;
	memcpy(path, uri, n);
	path[n] = '\0';
	record(buf, &len, FCGI_BEGIN_REQUEST, 1, begin, sizeof(begin));
	pl += pair(p + pl, "REQUEST_METHOD", method);
	pl += pair(p + pl, "REQUEST_URI", uri);
	pl += pair(p + pl, "DOCUMENT_URI", path);
	pl += pair(p + pl, "QUERY_STRING", q != NULL ? q + 1 : "");
	pl += pair(p + pl, "SERVER_PROTOCOL", "HTTP/1.1");
	for (i = 0; i < nparams; i++) {
		if ((eq = strchr(params[i], '=')) == NULL ||
		    pl + strlen(params[i]) + 8 > sizeof(p)) {
			fprintf(stderr, "fcgi-client: bad parameter %s\n",
			    params[i]);
			return -1;
		}
		*eq = '\0';
		pl += pair(p + pl, params[i], eq + 1);
		*eq = '=';
	}
	if (pl > 65535) {
		fprintf(stderr, "fcgi-client: parameters too long\n");
		return -1;
	}
	record(buf, &len, FCGI_PARAMS, 1, p, pl);
	record(buf, &len, FCGI_PARAMS, 1, NULL, 0);
	record(buf, &len, FCGI_STDIN, 1, NULL, 0);
	if (write_all(fd, buf, len) != 0)
		return -1;
	for (;;) {
		if (read_record(fd, h, c, &clen) != 0)
			return -1;
		if (h[1] == FCGI_STDOUT)
			fwrite(c, 1, clen, stdout);
		else if (h[1] == FCGI_END_REQUEST)
			return 0;
	}
}

/* After the last response: prints "closed" if the stream ends cleanly. */
static int
expect_close(int fd)
{
	unsigned char	 b;
	int		 r;

	if ((r = read_full(fd, &b, 1)) == 0) {
		printf("closed\n");
		return 0;
	}
	if (r > 0)
		fprintf(stderr, "fcgi-client: bytes after the response\n");
	return -1;
}

/* Milliseconds until the responder closes fd, or -1. */
static long
wait_close(int fd)
{
	struct timespec	 t0, t1;
	unsigned char	 b[64];
	int		 r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((r = read_full(fd, b, 1)) > 0)
		continue;
	if (r < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000;
}

int
main(int argc, char *argv[])
{
	static unsigned char	 buf[80 * 1024];
	static unsigned char	 junk[8000];
	size_t			 len;
	long			 ms, i, n = 1;
	int			 fd, rc = 1;

	if (argc < 3 || ((strcmp(argv[2], "get") == 0 ||
	    strcmp(argv[2], "extra") == 0 || strcmp(argv[2], "short") == 0 ||
	    strcmp(argv[2], "big") == 0) &&
	    argc < 4) || (strcmp(argv[2], "req") == 0 && argc < 5)) {
		fprintf(stderr, "usage: fcgi-client SOCKET get PATH [N] | "
		    "extra PATH | short PATH | big PATH | silent | "
		    "partial | req METHOD URI [NAME=VALUE ...]\n");
		return 2;
	}
	if (strcmp(argv[2], "get") == 0 && argc > 4 &&
	    (n = strtol(argv[4], NULL, 10)) < 1)
		n = 1;
	if ((fd = connect_to(argv[1])) < 0)
		return 1;
	if (strcmp(argv[2], "req") == 0) {
		rc = raw_request(fd, argv[3], argv[4], argv + 5, argc - 5) ==
		    0 ? 0 : 1;
	} else if (strcmp(argv[2], "get") == 0) {
		for (i = 0; i < n; i++) {
			len = get_request(buf, argv[3], i + 1 < n, NULL, NULL);
			if (write_all(fd, buf, len) != 0 ||
			    read_response(fd, 0) != 0)
				goto out;
		}
		rc = expect_close(fd) == 0 ? 0 : 1;
	} else if (strcmp(argv[2], "extra") == 0) {
		len = get_request(buf, argv[3], 0, NULL, NULL);
		memset(junk, 'x', sizeof(junk));
		for (i = 0; i < 8; i++)
			record(buf, &len, 11, 1, junk, sizeof(junk));
		if (write_all(fd, buf, len) == 0 && read_response(fd, 0) == 0)
			rc = expect_close(fd) == 0 ? 0 : 1;
	} else if (strcmp(argv[2], "big") == 0) {
		rc = send_big(fd, argv[3], buf) == 0 && read_response(fd, 0) ==
		    0 && expect_close(fd) == 0 ? 0 : 1;
	} else if (strcmp(argv[2], "short") == 0) {
		len = get_request(buf, argv[3], 0, "0123456789", "100");
		if (write_all(fd, buf, len) == 0 && read_response(fd, 1) == 0)
			rc = expect_close(fd) == 0 ? 0 : 1;
	} else if (strcmp(argv[2], "silent") == 0 ||
	    strcmp(argv[2], "partial") == 0) {
		if (argv[2][0] == 'p' &&
		    write_all(fd, (const unsigned char *)"\1\1\0", 3) != 0)
			goto out;
		if ((ms = wait_close(fd)) >= 0) {
			printf("%ld\n", ms);
			rc = 0;
		}
	} else
		fprintf(stderr, "fcgi-client: unknown mode %s\n", argv[2]);
out:
	close(fd);
	return rc;
}
