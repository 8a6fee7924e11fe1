/*
 * A fresh temporary directory per unit test, and its removal: shared by
 * the unit tests that work on files.
 */
#ifndef TESTS_TMPDIR_H
#define TESTS_TMPDIR_H

#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

static inline int
tmpdir_rm_one(const char *p, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* Makes "$TMPDIR/cavra-<name>-XXXXXX" (/tmp without TMPDIR) into dir. */
static inline void
tmpdir_make(char *dir, size_t size, const char *name)
{
	const char	*t;

	t = getenv("TMPDIR");
	snprintf(dir, size, "%s/cavra-%s-XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp", name);
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

/* Removes dir and everything under it, if it was made. */
static inline void
tmpdir_remove(const char *dir)
{
	if (dir[0] != '\0')
		nftw(dir, tmpdir_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif /* !TESTS_TMPDIR_H */
