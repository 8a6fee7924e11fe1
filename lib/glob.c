/*
 * The pattern matcher of policy packs and the normaliser of file targets.
 *
 * A pattern is a whole-string glob: `*` (and `**`, which is the same
 * thing) matches any run of characters except a newline; every other
 * byte is literal and compared case-sensitively.  Because a star never
 * spans a newline, the k-th newline of the pattern must meet the k-th
 * newline of the string, so both are cut into lines and matched line by
 * line with the greedy two-pointer algorithm: on a mismatch only the last
 * star seen is widened by one byte.  That costs at most
 * O(pattern * string) steps and never recurses, so no pattern can make
 * matching blow up.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "cv_arena.h"
#include "cv_policy.h"
#include "policy_int.h"

/*
 * Matches one line of pattern against one line of string; neither
 * contains a newline.  Returns 1 on a whole-string match.
 */
static int
line_match(const char *p, size_t pn, const char *s, size_t sn)
{
	size_t	 pi = 0, si = 0, star = 0, mark = 0;
	int	 have_star = 0;

	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			while (pi < pn && p[pi] == '*')
				pi++;
			if (pi == pn)
				return 1;	/* trailing star takes the rest */
			have_star = 1;
			star = pi;
			mark = si;
		} else if (pi < pn && p[pi] == s[si]) {
			pi++;
			si++;
		} else if (have_star) {
			pi = star;
			si = ++mark;
		} else
			return 0;
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

/*
 * Counted-string form of cv_glob_match(), used by the evaluator with
 * patterns compiled once per pack.  Returns 1 on a match.
 */
int
cv_glob_match_n(const char *p, size_t pn, const char *s, size_t sn)
{
	const char	*pe, *se;
	size_t		 pl, sl;

	for (;;) {
		pe = memchr(p, '\n', pn);
		se = memchr(s, '\n', sn);
		if ((pe == NULL) != (se == NULL))
			return 0;
		pl = pe == NULL ? pn : (size_t)(pe - p);
		sl = se == NULL ? sn : (size_t)(se - s);
		if (!line_match(p, pl, s, sl))
			return 0;
		if (pe == NULL)
			return 1;
		p += pl + 1;
		pn -= pl + 1;
		s += sl + 1;
		sn -= sl + 1;
	}
}

/*
 * Returns 1 when the whole of s matches pat, else 0.  NULL matches
 * nothing.
 */
int
cv_glob_match(const char *pat, const char *s)
{
	if (pat == NULL || s == NULL)
		return 0;
	return cv_glob_match_n(pat, strlen(pat), s, strlen(s));
}

/*
 * POSIX-normalises a file target into the arena: runs of '/' collapse
 * (exactly two leading slashes are kept, as POSIX allows), "." components
 * are dropped, ".." removes the component before it (at the root of an
 * absolute path it is dropped; a leading ".." of a relative path that has
 * nothing to remove stays), and a trailing '/' goes.  "" and "./" become
 * ".".  Never fails: the arena exits on out-of-memory.
 */
char *
cv_path_normalise(struct cv_arena *a, const char *in)
{
	const char	*p, *seg;
	char		*out;
	size_t		 n, len, o, root, seglen;

	if (in == NULL)
		in = "";
	n = strlen(in);
	out = cv_arena_alloc(a, n + 2);
	o = 0;
	if (in[0] == '/') {
		if (in[1] == '/' && in[2] != '/')
			out[o++] = '/';
		out[o++] = '/';
	}
	root = o;	/* out[0..root) is the fixed root prefix */
	p = in;
	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		seg = p;
		while (*p != '\0' && *p != '/')
			p++;
		seglen = (size_t)(p - seg);
		if (seglen == 1 && seg[0] == '.')
			continue;
		if (seglen == 2 && seg[0] == '.' && seg[1] == '.') {
			/* Find the last component written after the root. */
			len = o;
			while (len > root && out[len - 1] != '/')
				len--;
			if (o > root && !(o - len == 2 && out[len] == '.' &&
			    out[len + 1] == '.')) {
				/* Remove it, with the '/' before it. */
				o = len > root ? len - 1 : root;
				continue;
			}
			if (root > 0)
				continue;	/* "/.." is "/" */
		}
		if (o > root)
			out[o++] = '/';
		memcpy(out + o, seg, seglen);
		o += seglen;
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return out;
}

/*
 * Prepares a compiled pattern over s[0..len) (not copied): the literal
 * prefix and suffix around the stars let most non-matches be rejected
 * with two memcmp() calls.
 */
void
cv_pat_init(struct cv_pat *pt, const char *s, size_t len)
{
	const char	*first, *last;
	size_t		 i;

	pt->p = s;
	pt->len = len;
	pt->wild = (first = memchr(s, '*', len)) != NULL;
	pt->pre = pt->suf = 0;
	pt->simple = 0;
	if (!pt->wild)
		return;
	last = first;
	for (i = len; i > 0; i--)
		if (s[i - 1] == '*') {
			last = s + i - 1;
			break;
		}
	pt->pre = (size_t)(first - s);
	pt->suf = len - (size_t)(last - s) - 1;
	pt->simple = 1;
	for (i = pt->pre; i < len - pt->suf; i++)
		if (s[i] != '*')
			pt->simple = 0;
}

/*
 * Matches the whole of s[0..n) against a compiled pattern.  Returns 1 on
 * a match.
 */
int
cv_pat_match(const struct cv_pat *pt, const char *s, size_t n)
{
	if (!pt->wild)
		return n == pt->len && memcmp(s, pt->p, n) == 0;
	if (n < pt->pre + pt->suf ||
	    memcmp(s, pt->p, pt->pre) != 0 ||
	    memcmp(s + n - pt->suf, pt->p + pt->len - pt->suf, pt->suf) != 0)
		return 0;
	if (pt->simple)
		return memchr(s + pt->pre, '\n', n - pt->pre - pt->suf) == NULL;
	return cv_glob_match_n(pt->p, pt->len, s, n);
}
