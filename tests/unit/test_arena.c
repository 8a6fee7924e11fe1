/*
 * Unit tests of the per-request arena and the error table.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "cavra.h"

Test(arena, allocations_are_zeroed_aligned_and_distinct)
{
	struct cv_arena	 a;
	char		*p, *q;
	size_t		 i;

	cv_arena_init(&a);
	p = cv_arena_alloc(&a, 3);
	q = cv_arena_alloc(&a, 5);
	cr_assert_neq(p, q);
	cr_assert_eq((uintptr_t)p % 16, 0);
	cr_assert_eq((uintptr_t)q % 16, 0);
	for (i = 0; i < 5; i++)
		cr_assert_eq(q[i], 0);
	cv_arena_free(&a);
}

Test(arena, large_and_many_allocations_survive_reset)
{
	struct cv_arena	 a;
	char		*big, *s;
	int		 i, round;

	cv_arena_init(&a);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 1000; i++) {
			s = cv_arena_printf(&a, "item-%d-%d", round, i);
			cr_assert_str_eq(s, cv_arena_printf(&a, "item-%d-%d",
			    round, i));
		}
		big = cv_arena_alloc(&a, 3 * CV_ARENA_CHUNK);
		memset(big, 'x', 3 * CV_ARENA_CHUNK);
		s = cv_arena_strdup(&a, "after big");
		cr_assert_str_eq(s, "after big");
		cv_arena_reset(&a);
	}
	cv_arena_free(&a);
}

Test(arena, strndup_stops_at_length)
{
	struct cv_arena	 a;

	cv_arena_init(&a);
	cr_assert_str_eq(cv_arena_strndup(&a, "abcdef", 3), "abc");
	cr_assert_str_eq(cv_arena_strdup(&a, ""), "");
	cv_arena_free(&a);
}

Test(err, every_error_has_a_status_and_title)
{
	int	 e;

	cr_assert_eq(cv_err_status(CV_ENOENT), 404);
	cr_assert_eq(cv_err_status(CV_EMETHOD), 405);
	cr_assert_eq(cv_err_status(CV_ETOOBIG), 413);
	cr_assert_eq(cv_err_status(CV_EUNPROC), 422);
	cr_assert_eq(cv_err_status(CV_EINVAL), 400);
	cr_assert_eq(cv_err_status(CV_EBUSY), 503);
	for (e = 1; e < CV_ERR__MAX; e++) {
		cr_assert_geq(cv_err_status(e), 400);
		cr_assert_gt(strlen(cv_err_title(e)), 0);
	}
	cr_assert_eq(cv_err_status(CV_ERR__MAX), 500);
	cr_assert_str_eq(cv_status_reason(404), "Not Found");
}

Test(util, timestamps_follow_python_isoformat)
{
	struct timespec	 ts = { 1778750000, 123456000 };
	char		 buf[CV_TS_LEN];

	cv_ts_format(buf, sizeof(buf), &ts);
	cr_assert_str_eq(buf, "2026-05-14T09:13:20.123456+00:00");
	ts.tv_nsec = 0;
	cv_ts_format(buf, sizeof(buf), &ts);
	cr_assert_str_eq(buf, "2026-05-14T09:13:20+00:00");
	ts.tv_nsec = 999;	/* under a microsecond: no fraction */
	cv_ts_format(buf, sizeof(buf), &ts);
	cr_assert_str_eq(buf, "2026-05-14T09:13:20+00:00");
}

Test(util, random_ids_have_prefix_and_hex)
{
	struct cv_arena	 a;
	char		*id, *id2;
	size_t		 i;

	cv_arena_init(&a);
	id = cv_rand_id(&a, "dec_", 12);
	id2 = cv_rand_id(&a, "dec_", 12);
	cr_assert_eq(strlen(id), 16);
	cr_assert_eq(strncmp(id, "dec_", 4), 0);
	for (i = 4; i < 16; i++)
		cr_assert(strchr("0123456789abcdef", id[i]) != NULL);
	cr_assert_str_neq(id, id2);
	id = cv_rand_id(&a, "x", 7);
	cr_assert_eq(strlen(id), 8);
	cv_arena_free(&a);
}

/* A time id: prefix, the second modulo 4096 in its first 3 digits, then
 * the process's sequence, one more per id. */
Test(util, time_ids_lead_with_the_second)
{
	struct cv_arena	 a;
	char		*id, *id2, want[4];
	unsigned long	 before, after;
	size_t		 i;

	cv_arena_init(&a);
	before = (unsigned long)time(NULL);
	id = cv_time_id(&a, "dec_", 12);
	id2 = cv_time_id(&a, "dec_", 12);
	after = (unsigned long)time(NULL);
	cr_assert_eq(strlen(id), 16);
	cr_assert_eq(strncmp(id, "dec_", 4), 0);
	for (i = 4; i < 16; i++)
		cr_assert(strchr("0123456789abcdef", id[i]) != NULL);
	cr_assert_str_neq(id, id2);
	snprintf(want, sizeof(want), "%03lx", before & 0xfff);
	if (strncmp(id + 4, want, 3) != 0)
		snprintf(want, sizeof(want), "%03lx", after & 0xfff);
	cr_assert_eq(strncmp(id + 4, want, 3), 0, "%s does not lead with %s",
	    id, want);
	/* After the second, the process's sequence: one more per id. */
	cr_assert_eq((strtoull(id + 7, NULL, 16) + 1) & 0xfffffffffULL,
	    strtoull(id2 + 7, NULL, 16), "%s then %s", id, id2);
	cr_assert_eq(strlen(cv_time_id(&a, "x", 3)), 4);
	cv_arena_free(&a);
}

/* A forked child draws a sequence of its own: its ids are not the ids its
 * parent makes next. */
Test(util, time_ids_differ_across_fork)
{
	struct cv_arena	 a;
	char		 child[32], *mine;
	int		 fds[2], status;
	pid_t		 pid;

	cv_arena_init(&a);
	(void)cv_time_id(&a, "dec_", 12);
	cr_assert_eq(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		mine = cv_time_id(&a, "dec_", 12);
		_exit(write(fds[1], mine, strlen(mine) + 1) ==
		    (ssize_t)strlen(mine) + 1 ? 0 : 1);
	}
	cr_assert(pid > 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_eq(read(fds[0], child, sizeof(child)), 17);
	mine = cv_time_id(&a, "dec_", 12);
	cr_assert_neq(strcmp(child + 7, mine + 7), 0, "child and parent: %s",
	    mine);
	close(fds[0]);
	close(fds[1]);
	cv_arena_free(&a);
}

/* Ids come from a per-thread pool of random bytes: refilled when used up,
 * and emptied in a forked child, so parent and child never draw the same
 * bytes. */
Test(util, random_ids_differ_across_refills_and_fork)
{
	struct cv_arena	 a;
	char		*ids[1000], *mine, theirs[32];
	int		 fd[2], status;
	size_t		 i, j;
	ssize_t		 n;
	pid_t		 pid;

	cv_arena_init(&a);
	for (i = 0; i < 1000; i++)
		ids[i] = cv_rand_id(&a, "", 12);
	for (i = 0; i < 1000; i++)
		for (j = i + 1; j < 1000; j++)
			cr_assert_str_neq(ids[i], ids[j]);
	cr_assert_eq(pipe(fd), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		mine = cv_rand_id(&a, "", 12);
		_exit(write(fd[1], mine, 13) == 13 ? 0 : 1);
	}
	mine = cv_rand_id(&a, "", 12);
	n = read(fd[0], theirs, 13);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert_eq(n, 13);
	cr_assert_str_neq(mine, theirs, "parent and child drew the same id");
	close(fd[0]);
	close(fd[1]);
	cv_arena_free(&a);
}

Test(util, iso_times)
{
	/* Each time against 2026-06-09T00:03:00Z, in microseconds. */
	static const struct {
		const char	*s;
		int64_t		 off;
	} ok[] = {
		{ "2026-06-09T00:03:00+00:00", 0 },
		{ "2026-06-09T00:03:00Z", 0 },
		{ "2026-06-09t00:03:00", 0 },
		{ "2026-06-09 00:03", 0 },
		{ "2026-06-09T02:03:00+02:00", 0 },
		{ "2026-06-09T02:03:00+02", 0 },
		{ "2026-06-08T23:33:00-0030", 0 },
		{ "2026-06-09T00:03:00.5+00:00", 500000 },
		{ "2026-06-09T00:03:00,1234569Z", 123456 },
		{ "2026-06-09", -180 * INT64_C(1000000) },
	};
	static const char *const bad[] = {
		"2026-02-30T00:00:00", "2026-06-09T24:00:00",
		"2026-06-09T00:03:00.Z", "2026-06-09T00:03:00+2", "yesterday",
		"2026-06-09T00:03:00+00:00x", "",
	};
	int64_t	 base, us;
	size_t	 i;

	cr_assert_eq(cv_iso_time("2026-06-09T00:03:00Z", &base), 0);
	cr_assert_eq(base, INT64_C(1780963380) * 1000000);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cr_assert_eq(cv_iso_time(ok[i].s, &us), 0, "%s", ok[i].s);
		cr_expect_eq(us - base, ok[i].off, "%s", ok[i].s);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(cv_iso_time(bad[i], &us), -1, "%s", bad[i]);
	cr_assert_eq(cv_iso_time(NULL, &us), -1);
	cr_assert_eq(cv_iso_time("1969-12-31T23:59:59.5Z", &us), 0);
	cr_assert_eq(us, -500000);
}

Test(util, seterr_truncates_and_tolerates_no_buffer)
{
	char	 buf[8];

	cv_seterr(buf, sizeof(buf), "%s %d", "pack", 12345);
	cr_assert_str_eq(buf, "pack 12");
	cv_seterr(NULL, 0, "%s", "nothing happens");
	buf[0] = 'x';
	cv_seterr(buf, 0, "%s", "nothing happens");
	cr_assert_eq(buf[0], 'x');
}
