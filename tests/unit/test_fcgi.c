/*
 * Unit tests of the responders' own FastCGI (cv_fcgi.h, lib/fcgi.c): the
 * test writes records to one end of a socket pair, the code under test
 * reads the other, and what it answers is read back record by record.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "cavra.h"
#include "cv_arena.h"
#include "cv_fcgi.h"

#define BEGIN		1
#define ABORT		2
#define END		3
#define PARAMS		4
#define STDIN		5
#define STDOUT		6
#define GET_VALUES	9
#define GET_VALUES_RES	10
#define UNKNOWN_TYPE	11

static struct cv_fcgi	 c;
static struct cv_arena	 arena;
static int		 peer;		/* the test's end */
static unsigned char	 out[1 << 20];	/* what the test sends */
static size_t		 outlen;

static void
setup(void)
{
	struct timeval	 tv = { 5, 0 };
	int		 sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cv_fcgi_init(&c);
	c.fd = sv[0];
	peer = sv[1];
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	cv_arena_init(&arena);
	outlen = 0;
}

static void
teardown(void)
{
	cv_fcgi_free(&c);
	cv_arena_free(&arena);
	close(peer);
}

TestSuite(fcgi, .init = setup, .fini = teardown);

/* Appends a record (content p, n bytes, and pad bytes of padding). */
static void
rec(unsigned type, unsigned id, const void *p, size_t n, size_t pad)
{
	unsigned char	*h = out + outlen;

	cr_assert_lt(outlen + 8 + n + pad, sizeof(out));
	h[0] = 1;
	h[1] = (unsigned char)type;
	h[2] = (unsigned char)(id >> 8);
	h[3] = (unsigned char)id;
	h[4] = (unsigned char)(n >> 8);
	h[5] = (unsigned char)n;
	h[6] = (unsigned char)pad;
	h[7] = 0;
	if (n > 0)
		memcpy(h + 8, p, n);
	memset(h + 8 + n, 0xee, pad);
	outlen += 8 + n + pad;
}

/* Appends FCGI_BEGIN_REQUEST of role for id, flags keep. */
static void
begin(unsigned id, unsigned role, int keep)
{
	unsigned char	 b[8] = { 0, (unsigned char)role,
			    (unsigned char)keep, 0, 0, 0, 0, 0 };

	rec(BEGIN, id, b, sizeof(b), 0);
}

/* Appends a name-value pair's length to p at *n. */
static void
nv_len(unsigned char *p, size_t *n, size_t l)
{
	if (l < 128) {
		p[(*n)++] = (unsigned char)l;
		return;
	}
	p[(*n)++] = (unsigned char)(0x80 | l >> 24);
	p[(*n)++] = (unsigned char)(l >> 16);
	p[(*n)++] = (unsigned char)(l >> 8);
	p[(*n)++] = (unsigned char)l;
}

/* Appends the pair name=value to p at *n. */
static void
nv(unsigned char *p, size_t *n, const char *name, const char *value)
{
	nv_len(p, n, strlen(name));
	nv_len(p, n, strlen(value));
	memcpy(p + *n, name, strlen(name));
	*n += strlen(name);
	memcpy(p + *n, value, strlen(value));
	*n += strlen(value);
}

/* A GET of path for id: begin, its parameters and an empty body. */
static void
get(unsigned id, const char *path, int keep)
{
	unsigned char	 p[512];
	size_t		 n = 0;

	begin(id, 1, keep);
	nv(p, &n, "REQUEST_METHOD", "GET");
	nv(p, &n, "REQUEST_URI", path);
	rec(PARAMS, id, p, n, 0);
	rec(PARAMS, id, NULL, 0, 0);
	rec(STDIN, id, NULL, 0, 0);
}

static void
send_out(void)
{
	cr_assert_eq(write(peer, out, outlen), (ssize_t)outlen);
	outlen = 0;
}

/* Reads exactly n bytes from the test's end. */
static void
read_n(unsigned char *p, size_t n)
{
	ssize_t	 r;

	while (n > 0) {
		r = read(peer, p, n);
		cr_assert_gt(r, 0, "the answer ended early");
		p += r;
		n -= (size_t)r;
	}
}

/* Reads one record: its type and id, content to p (room for 65535). */
static size_t
read_rec(unsigned *type, unsigned *id, unsigned char *p)
{
	unsigned char	 h[8];
	size_t		 n;

	read_n(h, 8);
	cr_assert_eq(h[0], 1);
	*type = h[1];
	*id = (unsigned)h[2] << 8 | h[3];
	n = (size_t)h[4] << 8 | h[5];
	read_n(p, n + h[6]);
	return n;
}

/*
 * Reads an answer to id up to FCGI_END_REQUEST: its FCGI_STDOUT bytes
 * into a new buffer (*len of them), its protocol status in *st.
 */
static unsigned char *
read_answer(unsigned want, size_t *len, unsigned *st)
{
	static unsigned char	 p[65536 + 256];
	unsigned char		*all = NULL;
	unsigned		 type, id;
	size_t			 n;

	*len = 0;
	for (;;) {
		n = read_rec(&type, &id, p);
		cr_assert_eq(id, want);
		if (type == END) {
			cr_assert_eq(n, 8);
			*st = p[4];
			return all;
		}
		cr_assert_eq(type, STDOUT);
		all = realloc(all, *len + n + 1);
		memcpy(all + *len, p, n);
		*len += n;
		all[*len] = '\0';
	}
}

Test(fcgi, parameters_and_body_across_records)
{
	unsigned char	 p[2048], *a;
	char		 big[300], body[64];
	size_t		 n = 0, len;
	unsigned	 st;

	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	begin(7, 1, 0);
	nv(p, &n, "REQUEST_METHOD", "POST");
	nv(p, &n, "CONTENT_LENGTH", "11");
	nv(p, &n, "HTTP_X_LONG", big);
	nv(p, &n, "EMPTY", "");
	nv(p, &n, "REQUEST_METHOD", "second");
	/* The pairs split at odd places, with padding. */
	rec(PARAMS, 7, p, 5, 3);
	rec(PARAMS, 7, p + 5, 30, 0);
	rec(PARAMS, 7, p + 35, n - 35, 7);
	rec(PARAMS, 7, NULL, 0, 0);
	rec(STDIN, 7, "hello ", 6, 2);
	rec(STDIN, 7, "world", 5, 0);
	rec(STDIN, 7, NULL, 0, 0);
	send_out();
	cr_assert_eq(cv_fcgi_next(&c, -1, &arena), 0);
	cr_assert_eq(c.id, 7);
	cr_assert_str_eq(cv_fcgi_param(&c, "REQUEST_METHOD"), "POST");
	cr_assert_str_eq(cv_fcgi_param(&c, "CONTENT_LENGTH"), "11");
	cr_assert_str_eq(cv_fcgi_param(&c, "HTTP_X_LONG"), big);
	cr_assert_str_eq(cv_fcgi_param(&c, "EMPTY"), "");
	cr_assert_null(cv_fcgi_param(&c, "MISSING"));
	cr_assert_eq(cv_fcgi_read(&c, body, 11), 11);
	cr_assert_eq(memcmp(body, "hello world", 11), 0);
	cr_assert_eq(cv_fcgi_read(&c, body, sizeof(body)), 0, "past its end");
	cr_assert(c.eof);
	cr_assert_eq(cv_fcgi_answer(&c, "Status: 200 OK\r\n\r\n{}", 20), 0);
	cv_fcgi_end(&c);
	cr_assert_eq(c.fd, -1, "closed: the server did not ask to keep it");
	a = read_answer(7, &len, &st);
	cr_assert_eq(st, 0);
	cr_assert_eq(len, 20);
	cr_assert_eq(memcmp(a, "Status: 200 OK\r\n\r\n{}", 20), 0);
	free(a);
}

Test(fcgi, a_kept_connection_carries_the_next_request)
{
	unsigned char	*a;
	size_t		 len;
	unsigned	 st;

	get(1, "/one", 1);
	get(2, "/two", 0);
	send_out();
	cr_assert_eq(cv_fcgi_next(&c, -1, &arena), 0);
	cr_assert_str_eq(cv_fcgi_param(&c, "REQUEST_URI"), "/one");
	cr_assert_eq(cv_fcgi_answer(&c, "one", 3), 0);
	cv_fcgi_end(&c);
	cr_assert_geq(c.fd, 0, "kept");
	cv_arena_reset(&arena);
	cr_assert_eq(cv_fcgi_next(&c, -1, &arena), 0);
	cr_assert_str_eq(cv_fcgi_param(&c, "REQUEST_URI"), "/two");
	cr_assert_eq(cv_fcgi_answer(&c, "two", 3), 0);
	cv_fcgi_end(&c);
	cr_assert_eq(c.fd, -1);
	a = read_answer(1, &len, &st);
	cr_assert(len == 3 && memcmp(a, "one", 3) == 0);
	free(a);
	a = read_answer(2, &len, &st);
	cr_assert(len == 3 && memcmp(a, "two", 3) == 0);
	free(a);
}

Test(fcgi, management_records_roles_and_a_second_request_are_answered)
{
	unsigned char	 p[65536 + 256];
	unsigned	 type, id;
	size_t		 n = 0;

	nv(p, &n, "FCGI_MPXS_CONNS", "");
	rec(GET_VALUES, 0, p, n, 0);
	rec(42, 0, NULL, 0, 0);
	begin(3, 2, 0);			/* an authorizer: refused */
	begin(4, 1, 0);
	begin(5, 1, 0);			/* a second while 4 is open */
	rec(PARAMS, 5, "\1\1ab", 4, 0);	/* another request's: skipped */
	rec(PARAMS, 4, "\1\1xy", 4, 0);
	rec(PARAMS, 4, NULL, 0, 0);
	send_out();
	cr_assert_eq(cv_fcgi_next(&c, -1, &arena), 0);
	cr_assert_eq(c.id, 4);
	cr_assert_str_eq(cv_fcgi_param(&c, "x"), "y");
	cr_assert_null(cv_fcgi_param(&c, "a"));
	cr_assert_eq(read_rec(&type, &id, p), 0);
	cr_assert(type == GET_VALUES_RES && id == 0, "values: %u", type);
	cr_assert_eq(read_rec(&type, &id, p), 8);
	cr_assert(type == UNKNOWN_TYPE && id == 0 && p[0] == 42);
	cr_assert_eq(read_rec(&type, &id, p), 8);
	cr_assert(type == END && id == 3 && p[4] == 3, "unknown role");
	cr_assert_eq(read_rec(&type, &id, p), 8);
	cr_assert(type == END && id == 5 && p[4] == 1, "cannot multiplex");
}

/* A request whose CONTENT_LENGTH is 20, of which 5 bytes are sent. */
static void
five_of_twenty(void)
{
	unsigned char	 p[64];
	size_t		 n = 0;

	begin(1, 1, 0);
	nv(p, &n, "CONTENT_LENGTH", "20");
	rec(PARAMS, 1, p, n, 0);
	rec(PARAMS, 1, NULL, 0, 0);
	rec(STDIN, 1, "12345", 5, 0);
}

Test(fcgi, an_abort_ends_the_body)
{
	char		 body[32];

	five_of_twenty();
	rec(ABORT, 1, NULL, 0, 0);
	send_out();
	cr_assert_eq(cv_fcgi_next(&c, -1, &arena), 0);
	cr_assert_eq(cv_fcgi_read(&c, body, 20), 5);
	cr_assert(c.eof && !c.broken);
}

Test(fcgi, a_body_cut_short_is_what_arrived)
{
	char		 body[32];

	five_of_twenty();
	send_out();
	shutdown(peer, SHUT_WR);
	cr_assert_eq(cv_fcgi_next(&c, -1, &arena), 0);
	cr_assert_eq(cv_fcgi_read(&c, body, 20), 5);
	cr_assert(c.broken);
	cr_assert_eq(cv_fcgi_answer(&c, "x", 1), -1);
	cv_fcgi_end(&c);
	cr_assert_eq(c.fd, -1);
}

Test(fcgi, broken_records_drop_the_connection)
{
	static const unsigned char	 bad_version[8] = { 2, 1, 0, 1, 0, 8 };

	memcpy(out, bad_version, 8);
	outlen = 8;
	send_out();
	cr_assert_eq(cv_fcgi_next(&c, -1, &arena), -1);
	cr_assert_eq(c.fd, -1);
}

Test(fcgi, a_pair_longer_than_the_parameters_drops_the_connection)
{
	unsigned char	 p[16] = { 0x80, 0, 1, 0, 1, 'a', 'b' };

	begin(1, 1, 0);
	rec(PARAMS, 1, p, 7, 0);
	rec(PARAMS, 1, NULL, 0, 0);
	send_out();
	cr_assert_eq(cv_fcgi_next(&c, -1, &arena), -1);
	cr_assert_eq(c.fd, -1);
}

/* Writes the parameters of too large a request from a thread of its own
 * (more than the socket holds). */
static void *
flood(void *arg)
{
	static unsigned char	 p[8 + 60000];
	size_t			 sent = 0;
	ssize_t			 r;

	(void)arg;
	p[0] = 1;
	p[1] = PARAMS;
	p[3] = 1;
	p[4] = 60000 >> 8;
	p[5] = 60000 & 0xff;
	memset(p + 8, 1, 60000);
	while (sent <= CV_FCGI_PARAMS_MAX) {
		if ((r = send(peer, p, sizeof(p), MSG_NOSIGNAL)) <= 0)
			break;
		sent += (size_t)r;
	}
	return NULL;
}

Test(fcgi, parameters_past_their_limit_drop_the_connection)
{
	pthread_t	 t;

	begin(1, 1, 0);
	send_out();
	cr_assert_eq(pthread_create(&t, NULL, flood, NULL), 0);
	cr_assert_eq(cv_fcgi_next(&c, -1, &arena), -1);
	cr_assert_eq(c.fd, -1);
	shutdown(peer, SHUT_RDWR);
	pthread_join(t, NULL);
}

/* Reads a whole answer from a thread of its own, while it is written. */
static void *
reader(void *arg)
{
	size_t		*len = arg;
	unsigned char	*a;
	unsigned	 st;

	a = read_answer(9, len, &st);
	free(a);
	return NULL;
}

Test(fcgi, a_large_answer_in_several_writes)
{
	size_t		 n = 5 * 1024 * 1024 + 17, got = 0;
	char		*big = malloc(n);
	pthread_t	 t;

	cr_assert_not_null(big);
	memset(big, 'z', n);
	get(9, "/big", 0);
	send_out();
	cr_assert_eq(cv_fcgi_next(&c, -1, &arena), 0);
	cr_assert_eq(pthread_create(&t, NULL, reader, &got), 0);
	cr_assert_eq(cv_fcgi_answer(&c, big, n), 0);
	cv_fcgi_end(&c);
	pthread_join(t, NULL);
	cr_assert_eq(got, n);
	free(big);
}
