/*
 * Fuzzes the responders' own FastCGI reader (lib/fcgi.c): the input is
 * what a web server sends on one connection (up to FUZZ_FCGI_MAX bytes,
 * the rest ignored), written to one end of a socket pair whose writing
 * side is then shut down.  Requests are read as the serve loop reads them
 * (parameters, then the body up to its CONTENT_LENGTH, at most
 * FUZZ_FCGI_BODY bytes), answered and ended, until the connection ends.
 *
 * Besides crashes, leaks and UB it checks that a read never returns more
 * than asked, that every parameter found is NUL-terminated text no longer
 * than the input, and that a broken connection is closed.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cavra.h"
#include "cv_arena.h"
#include "cv_fcgi.h"
#include "fuzz.h"

#define FUZZ_FCGI_MAX	16384	/* input bytes used: the socket holds
				   them and every answer to them */
#define FUZZ_FCGI_BODY	4096	/* body bytes read of a request */

static struct cv_fcgi	 c;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cv_arena	 a;
	const char	*cl;
	char		 body[FUZZ_FCGI_BODY];
	size_t		 i, want, got;
	int		 sv[2], n;

	if (size > FUZZ_FCGI_MAX)
		size = FUZZ_FCGI_MAX;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		abort();
	n = 1 << 20;
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &n, sizeof(n));
	(void)setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &n, sizeof(n));
	if (size > 0 && write(sv[1], data, size) != (ssize_t)size)
		abort();
	shutdown(sv[1], SHUT_WR);
	cv_arena_init(&a);
	cv_fcgi_init(&c);
	c.fd = sv[0];
	for (n = 0; n < 1000 && c.fd >= 0; n++) {
		if (cv_fcgi_next(&c, -1, &a) < 0) {
			if (c.fd != -1)
				abort();
			break;
		}
		for (i = 0; i < c.nparams; i++)
			if (strlen(c.names[i]) > size ||
			    strlen(c.values[i]) > size ||
			    cv_fcgi_param(&c, c.names[i]) == NULL)
				abort();
		want = sizeof(body);
		if ((cl = cv_fcgi_param(&c, "CONTENT_LENGTH")) != NULL &&
		    strtoul(cl, NULL, 10) < want)
			want = strtoul(cl, NULL, 10);
		if ((got = cv_fcgi_read(&c, body, want)) > want)
			abort();
		(void)cv_fcgi_answer(&c, "Status: 200 OK\r\n\r\n", 18);
		cv_fcgi_end(&c);
		if (c.broken && c.fd != -1)
			abort();
		cv_arena_reset(&a);
	}
	cv_fcgi_free(&c);
	cv_arena_free(&a);
	close(sv[1]);
	return 0;
}
