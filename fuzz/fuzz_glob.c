/*
 * Fuzzes the policy pattern matcher and the file-target normaliser
 * (lib/glob.c).  The input is a pattern and a subject: split at the
 * first NUL byte when there is one (both may then contain newlines),
 * else at the first newline.
 *
 * The three matchers (cv_glob_match(), cv_glob_match_n() and a compiled
 * cv_pat) are checked against a plain dynamic-programming reference
 * (`*` matches any run of bytes but a newline, all else literal), and
 * cv_path_normalise() against the properties its comment promises: the
 * result is idempotent, and has no empty, "." or trailing component.
 * A disagreement aborts.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cavra.h"
#include "cv_policy.h"
#include "policy_int.h"
#include "fuzz.h"

#define REF_MAX	512	/* longest pattern or subject the reference takes */

/*
 * Reference matcher: m[i][j] says whether p[i..] matches s[j..].
 * Returns -1 when the input is too long to check.
 */
static int
ref_match(const char *p, size_t pn, const char *s, size_t sn)
{
	unsigned char	*m;
	size_t		 i, j, w = sn + 1;
	int		 r;

	if (pn > REF_MAX || sn > REF_MAX)
		return -1;
	if ((m = calloc((pn + 1) * w, 1)) == NULL)
		abort();
	m[pn * w + sn] = 1;
	for (i = pn; i-- > 0;)
		for (j = sn + 1; j-- > 0;) {
			if (p[i] == '*')
				m[i * w + j] = m[(i + 1) * w + j] ||
				    (j < sn && s[j] != '\n' &&
				    m[i * w + j + 1]);
			else
				m[i * w + j] = j < sn && p[i] == s[j] &&
				    m[(i + 1) * w + j + 1];
		}
	r = m[0];
	free(m);
	return r;
}

static void
fail(const char *what, const char *p, size_t pn, const char *s, size_t sn)
{
	fprintf(stderr, "fuzz_glob: %s\n  pattern: \"%.*s\"\n  subject: "
	    "\"%.*s\"\n", what, (int)pn, p, (int)sn, s);
	abort();
}

/* Checks one normalised path against cv_path_normalise()'s contract. */
static void
check_norm(struct cv_arena *a, const char *in)
{
	const char	*out, *again, *p;
	size_t		 n, lead;

	out = cv_path_normalise(a, in);
	n = strlen(out);
	if (n == 0)
		fail("normalised path is empty", in, strlen(in), out, n);
	if (n > strlen(in) + 1)
		fail("normalised path grew", in, strlen(in), out, n);
	again = cv_path_normalise(a, out);
	if (strcmp(out, again) != 0)
		fail("normalising is not idempotent", in, strlen(in), again,
		    strlen(again));
	lead = strncmp(out, "//", 2) == 0 ? 2 : out[0] == '/' ? 1 : 0;
	if (n > lead && out[n - 1] == '/')
		fail("normalised path ends with /", in, strlen(in), out, n);
	if (strstr(out + lead, "//") != NULL ||
	    (lead > 0 && out[lead] == '/'))
		fail("normalised path has an empty component", in,
		    strlen(in), out, n);
	if (strcmp(out, ".") == 0)
		return;
	for (p = out + lead;; p++) {
		if (p[0] == '.' && (p[1] == '/' || p[1] == '\0'))
			fail("normalised path has a . component", in,
			    strlen(in), out, n);
		if ((p = strchr(p, '/')) == NULL)
			break;
	}
}

/* A malloc'd copy of exactly n bytes (plus a NUL when nul != 0), so
 * that AddressSanitizer catches a read past the end. */
static char *
copy(const char *s, size_t n, int nul)
{
	char	*p;

	if ((p = malloc(n + (nul ? 1 : 0) + (n == 0 && !nul))) == NULL)
		abort();
	if (n > 0)
		memcpy(p, s, n);
	if (nul)
		p[n] = '\0';
	return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cv_arena	 a;
	struct cv_pat	 pt;
	const char	*in = (const char *)data, *cut;
	char		*p, *s, *pat, *subj;
	size_t		 pn, sn, csn;
	int		 ref, got;

	if ((cut = memchr(in, '\0', size)) == NULL)
		cut = memchr(in, '\n', size);
	pn = cut != NULL ? (size_t)(cut - in) : size;
	sn = cut != NULL ? size - pn - 1 : 0;

	/* Counted forms: the subject may hold NUL bytes. */
	p = copy(in, pn, 0);
	s = copy(in + size - sn, sn, 0);
	cv_pat_init(&pt, p, pn);
	if ((ref = ref_match(p, pn, s, sn)) != -1) {
		if ((got = cv_glob_match_n(p, pn, s, sn)) != ref)
			fail(got ? "cv_glob_match_n matched" :
			    "cv_glob_match_n did not match", p, pn, s, sn);
		if ((got = cv_pat_match(&pt, s, sn)) != ref)
			fail(got ? "cv_pat_match matched" :
			    "cv_pat_match did not match", p, pn, s, sn);
	} else {
		(void)cv_glob_match_n(p, pn, s, sn);
		(void)cv_pat_match(&pt, s, sn);
	}
	free(p);
	free(s);

	/* String form: the subject ends at its first NUL. */
	pat = copy(in, pn, 1);
	csn = strnlen(in + size - sn, sn);
	subj = copy(in + size - sn, csn, 1);
	got = cv_glob_match(pat, subj);
	if ((ref = ref_match(pat, pn, subj, csn)) != -1 && got != ref)
		fail(got ? "cv_glob_match matched" :
		    "cv_glob_match did not match", pat, pn, subj, csn);
	if (cv_glob_match(NULL, subj) || cv_glob_match(pat, NULL))
		fail("NULL matched", pat, pn, subj, csn);

	cv_arena_init(&a);
	check_norm(&a, subj);
	check_norm(&a, pat);
	cv_arena_free(&a);
	free(pat);
	free(subj);
	return 0;
}
