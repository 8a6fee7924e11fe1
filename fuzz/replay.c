/*
 * Corpus replay without libFuzzer: links with one fuzz/fuzz_*.c target
 * and runs LLVMFuzzerTestOneInput() once on every file named on the
 * command line or found (not recursively, dot files skipped) in a
 * directory named there.  `make check` runs it over fuzz/corpus/<target>
 * so every seed and every input that once crashed stays a regression
 * test; under --enable-sanitizers a crash, leak or UB aborts the run.
 *
 * Output is TAP: one test, ok when every input ran and there was at
 * least one.  Each input is announced as a comment first, so the log
 * names the input that brought the process down.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

/*
 * Reads the whole file into a buffer of exactly its size, so that
 * AddressSanitizer sees a read past the end of the input.  Returns 0, or
 * -1 with a diagnostic printed.
 */
static int
run_file(const char *path)
{
	struct stat	 st;
	uint8_t		*buf;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		printf("# %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		printf("# %s: not a regular file\n", path);
		close(fd);
		return -1;
	}
	/* malloc(0) may return NULL; an empty input still gets a pointer. */
	if ((buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1)) == NULL) {
		printf("# %s: out of memory\n", path);
		close(fd);
		return -1;
	}
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len != (size_t)st.st_size) {
		printf("# %s: short read\n", path);
		free(buf);
		return -1;
	}
	printf("# %s (%zu bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int
visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/*
 * Runs every file of a directory in name order.  Adds the number run to
 * *count; returns the number of failures.
 */
static int
run_dir(const char *dir, size_t *count)
{
	struct dirent	**ents;
	char		 *path;
	size_t		  len;
	int		  i, n, bad = 0;

	if ((n = scandir(dir, &ents, visible, alphasort)) == -1) {
		printf("# %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		len = strlen(dir) + strlen(ents[i]->d_name) + 2;
		if ((path = malloc(len)) == NULL) {
			bad++;
			break;
		}
		snprintf(path, len, "%s/%s", dir, ents[i]->d_name);
		if (run_file(path) == 0)
			(*count)++;
		else
			bad++;
		free(path);
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return bad;
}

int
main(int argc, char **argv)
{
	struct stat	 st;
	const char	*name;
	size_t		 count = 0;
	int		 i, bad = 0;

	name = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 :
	    argv[0];
	if (strncmp(name, "replay_", 7) == 0)
		name += 7;
	printf("1..1\n");
	if (argc < 2) {
		printf("# usage: %s corpus-dir|file ...\n", argv[0]);
		bad++;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			bad += run_dir(argv[i], &count);
		else if (run_file(argv[i]) == 0)
			count++;
		else
			bad++;
	}
	if (count == 0)
		bad++;
	printf("%s 1 - %s: %zu inputs\n", bad == 0 ? "ok" : "not ok", name,
	    count);
	return bad == 0 ? 0 : 1;
}
