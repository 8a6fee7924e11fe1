/*
 * http-recv: an HTTP/1.1 receiver on loopback for delivery tests.
 *
 *   http-recv -p PORTFILE -l LOGFILE [-s STATUS[,STATUS...]] [-d DELAY_MS]
 *       [-B] [-t]
 *
 * Listens on 127.0.0.1 on a port the kernel picks and writes that port
 * (decimal and a newline) to PORTFILE, atomically (a rename), once it
 * accepts connections: a test polls PORTFILE for readiness.  Each
 * connection gets a thread, which reads one request (a Content-Length or
 * chunked body), appends it to LOGFILE, waits DELAY_MS (default 0),
 * answers STATUS (default 200; a 3xx adds "Location: /redirected") with
 * the body {"received":true,"status":STATUS}, and closes.  With a list
 * of statuses the n-th request read gets the n-th, the last one those
 * after it.  With -B the
 * answer's body is endless (chunked) instead, until the client goes.
 *
 * A LOGFILE entry is the request line and header lines as received (CRLF
 * as LF), a blank line, the body as received, and a newline; it is
 * written with one write(2) before the delay, so a client that gave up
 * waiting still shows.  With -t each entry starts with a line
 * "@<milliseconds>" of CLOCK_MONOTONIC when the request was read.
 *
 * Exits 0 on SIGTERM, 1 on a setup failure, 2 on bad usage.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define HEAD_MAX	(64 * 1024)		/* request line and headers */
#define BODY_MAX	(16 * 1024 * 1024)	/* request body */
#define READ_TIMEOUT_S	10			/* a silent client is dropped */
#define CHUNK		16384			/* -B: bytes per chunk */
#define STATUSES_MAX	16			/* -s list */

static int		 status = 200;
static int		 statuses[STATUSES_MAX];
static int		 nstatuses;
static int		 nserved;		/* requests read (log_lock) */
static long		 delay_ms;
static int		 endless;
static int		 stamp;
static int		 logfd = -1;
static pthread_mutex_t	 log_lock = PTHREAD_MUTEX_INITIALIZER;

static void
on_term(int sig)
{
	(void)sig;
	_exit(0);
}

static const char *
reason(int code)
{
	switch (code) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 202:
		return "Accepted";
	case 204:
		return "No Content";
	case 302:
		return "Found";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 404:
		return "Not Found";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Status";
	}
}

static int
send_all(int fd, const char *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The value of header `name` in the NUL-terminated head (CRLF lines),
 * copied into buf (cut to its size), or NULL when there is none. */
static const char *
header(const char *head, const char *name, char *buf, size_t len)
{
	const char	*line, *end, *v;
	size_t		 n = strlen(name), vl;

	for (line = strstr(head, "\r\n"); line != NULL; line = end) {
		line += 2;
		if ((end = strstr(line, "\r\n")) == NULL || end == line)
			break;
		if ((size_t)(end - line) > n && line[n] == ':' &&
		    strncasecmp(line, name, n) == 0) {
			for (v = line + n + 1; *v == ' ' || *v == '\t'; v++)
				continue;
			vl = (size_t)(end - v);
			if (vl >= len)
				vl = len - 1;
			memcpy(buf, v, vl);
			buf[vl] = '\0';
			return buf;
		}
	}
	return NULL;
}

/*
 * Reads one request from fd into a malloc'ed buffer (*len bytes, head
 * ending at *headlen).  NULL when the client went away or sent more than
 * the limits.
 */
static char *
read_request(int fd, size_t *len, size_t *headlen)
{
	char		*buf, *end, val[64];
	size_t		 cap = HEAD_MAX + BODY_MAX + 1, got = 0, want = 0;
	ssize_t		 n;
	int		 chunked = 0, have_head = 0;

	if ((buf = malloc(cap)) == NULL)
		return NULL;
	for (;;) {
		if (have_head && !chunked && got >= *headlen + want)
			break;
		if (have_head && chunked && got >= *headlen + 5 &&
		    (memcmp(buf + *headlen, "0\r\n\r\n", 5) == 0 ||
		    (got >= *headlen + 7 &&
		    memcmp(buf + got - 7, "\r\n0\r\n\r\n", 7) == 0)))
			break;
		if (got == cap - 1)
			goto fail;
		n = recv(fd, buf + got, cap - 1 - got, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		got += (size_t)n;
		buf[got] = '\0';
		if (have_head)
			continue;
		if ((end = strstr(buf, "\r\n\r\n")) == NULL) {
			if (got > HEAD_MAX)
				goto fail;
			continue;
		}
		have_head = 1;
		*headlen = (size_t)(end - buf) + 4;
		end[2] = '\0';
		if (header(buf, "Content-Length", val, sizeof(val)) != NULL)
			want = strtoul(val, NULL, 10);
		if (header(buf, "Transfer-Encoding", val, sizeof(val)) !=
		    NULL && strcasecmp(val, "chunked") == 0)
			chunked = 1;
		end[2] = '\r';
		if (want > BODY_MAX)
			goto fail;
	}
	*len = got;
	return buf;
fail:
	free(buf);
	return NULL;
}

/* Appends the request (head, blank line, body, newline) to LOGFILE with
 * one write(2). */
static void
log_request(const char *req, size_t len, size_t headlen)
{
	struct timespec	 ts;
	char		*out;
	size_t		 i, n = 0;

	if ((out = malloc(len + 32)) == NULL)
		return;
	if (stamp) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		n = (size_t)snprintf(out, 32, "@%lld\n",
		    (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	}
	for (i = 0; i < headlen; i++)
		if (req[i] != '\r')
			out[n++] = req[i];
	memcpy(out + n, req + headlen, len - headlen);
	n += len - headlen;
	out[n++] = '\n';
	pthread_mutex_lock(&log_lock);
	if (write(logfd, out, n) != (ssize_t)n)
		fprintf(stderr, "http-recv: write log: %s\n", strerror(errno));
	pthread_mutex_unlock(&log_lock);
	free(out);
}

/* The status of the next request read (see -s). */
static int
next_status(void)
{
	int	 st;

	pthread_mutex_lock(&log_lock);
	st = nserved < nstatuses ? statuses[nserved] :
	    statuses[nstatuses - 1];
	nserved++;
	pthread_mutex_unlock(&log_lock);
	return st;
}

static void
answer(int fd, int code)
{
	char		 head[256], body[64], chunk[CHUNK + 16];
	struct timespec	 ts;
	int		 n, m;

	if (delay_ms > 0) {
		ts.tv_sec = delay_ms / 1000;
		ts.tv_nsec = (delay_ms % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			continue;
	}
	m = snprintf(body, sizeof(body), "{\"received\":true,\"status\":%d}",
	    code);
	n = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: application/json\r\nConnection: close\r\n%s",
	    code, reason(code), code >= 300 && code < 400 ?
	    "Location: /redirected\r\n" : "");
	if (endless) {
		n += snprintf(head + n, sizeof(head) - (size_t)n,
		    "Transfer-Encoding: chunked\r\n\r\n");
		if (send_all(fd, head, (size_t)n) == -1)
			return;
		n = snprintf(chunk, sizeof(chunk), "%x\r\n", CHUNK);
		memset(chunk + n, 'x', CHUNK);
		memcpy(chunk + n + CHUNK, "\r\n", 2);
		while (send_all(fd, chunk, (size_t)n + CHUNK + 2) == 0)
			continue;
		return;
	}
	n += snprintf(head + n, sizeof(head) - (size_t)n,
	    "Content-Length: %d\r\n\r\n", m);
	if (send_all(fd, head, (size_t)n) == 0)
		send_all(fd, body, (size_t)m);
}

static void *
serve(void *arg)
{
	struct timeval	 tv = { READ_TIMEOUT_S, 0 };
	int		 fd = (int)(intptr_t)arg;
	size_t		 len, headlen = 0;
	char		*req;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if ((req = read_request(fd, &len, &headlen)) != NULL) {
		log_request(req, len, headlen);
		free(req);
		answer(fd, next_status());
	}
	shutdown(fd, SHUT_WR);
	close(fd);
	return NULL;
}

static void
usage(void)
{
	fprintf(stderr, "usage: http-recv -p portfile -l logfile "
	    "[-s status[,status...]] [-d delay_ms] [-B] [-t]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	struct sigaction	 sa;
	socklen_t		 slen = sizeof(sin);
	sigset_t		 none;
	pthread_attr_t		 attr;
	pthread_t		 t;
	const char		*portfile = NULL, *logfile = NULL;
	char			 tmp[4096], *p;
	FILE			*f;
	int			 ch, s, c, one = 1;

	while ((ch = getopt(argc, argv, "Bd:l:p:s:t")) != -1) {
		switch (ch) {
		case 'B':
			endless = 1;
			break;
		case 't':
			stamp = 1;
			break;
		case 'd':
			delay_ms = strtol(optarg, NULL, 10);
			break;
		case 'l':
			logfile = optarg;
			break;
		case 'p':
			portfile = optarg;
			break;
		case 's':
			for (p = optarg, nstatuses = 0; *p != '\0';
			    p += *p == ',') {
				status = (int)strtol(p, &p, 10);
				if (status < 100 || status > 599 ||
				    nstatuses == STATUSES_MAX ||
				    (*p != ',' && *p != '\0'))
					usage();
				statuses[nstatuses++] = status;
			}
			break;
		default:
			usage();
		}
	}
	if (portfile == NULL || logfile == NULL || optind != argc)
		usage();
	if (nstatuses == 0)
		statuses[nstatuses++] = status;

	/* A parent may have ignored or blocked SIGTERM: exec keeps both. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if ((logfd = open(logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0644)) == -1) {
		fprintf(stderr, "http-recv: %s: %s\n", logfile,
		    strerror(errno));
		return 1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(s, 64) == -1 ||
	    getsockname(s, (struct sockaddr *)&sin, &slen) == -1) {
		fprintf(stderr, "http-recv: listen: %s\n", strerror(errno));
		return 1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
	if ((f = fopen(tmp, "w")) == NULL ||
	    fprintf(f, "%d\n", ntohs(sin.sin_port)) < 0 || fclose(f) != 0 ||
	    rename(tmp, portfile) == -1) {
		fprintf(stderr, "http-recv: %s: %s\n", portfile,
		    strerror(errno));
		return 1;
	}

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		if ((c = accept4(s, NULL, NULL, SOCK_CLOEXEC)) == -1) {
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EMFILE || errno == ENFILE)
				continue;
			fprintf(stderr, "http-recv: accept: %s\n",
			    strerror(errno));
			return 1;
		}
		if (pthread_create(&t, &attr, serve, (void *)(intptr_t)c) != 0)
			close(c);
	}
}
