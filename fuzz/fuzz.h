/*
 * The one function a libFuzzer target defines.  Declared here so the
 * targets build with -Wmissing-prototypes and so fuzz/replay.c can call
 * it without libFuzzer.
 */
#ifndef CAVRA_FUZZ_H
#define CAVRA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * json-c 0.16 decodes an escaped surrogate pair and then takes the code
 * point for a surrogate again when its low 16 bits look like one
 * ((cp & 0xF800) == 0xD800: U+1D800..U+1DFFF, U+2D800..U+2DFFF, ...),
 * writing U+FFFD instead.  That is the case exactly when the high
 * surrogate has (hi & 0x3E) == 0x36.  Returns 1 when canonical text s
 * (whose escapes are well formed) holds such a pair, so that the targets
 * that parse canonical text again do not report this library bug.
 */
static inline int
fuzz_jsonc_pair_bug(const char *s)
{
	unsigned	 hi;
	int		 i, d;

	for (; *s != '\0'; s++) {
		if (*s != '\\')
			continue;
		if (*++s != 'u')
			continue;
		for (hi = 0, i = 1; i <= 4 && s[i] != '\0'; i++) {
			d = s[i] >= '0' && s[i] <= '9' ? s[i] - '0' :
			    s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10 :
			    s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10 : 0;
			hi = hi << 4 | (unsigned)d;
		}
		if ((hi & 0xfc00) == 0xd800 && (hi & 0x3e) == 0x36)
			return 1;
	}
	return 0;
}

/*
 * Makes a fresh directory "$TMPDIR/cavra-fuzz-XXXXXX" (/tmp when TMPDIR
 * is unset, empty or longer than 32 bytes) into dir, which must hold 64
 * bytes; aborts, naming target `who`, when it cannot.
 */
static inline void
fuzz_tmpdir(char *dir, size_t size, const char *who)
{
	const char	*tmp;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0' ||
	    strlen(tmp) > 32)
		tmp = "/tmp";
	snprintf(dir, size, "%s/cavra-fuzz-XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "%s: mkdtemp %s failed\n", who, dir);
		abort();
	}
}

#endif /* !CAVRA_FUZZ_H */
