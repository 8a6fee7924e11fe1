/*
 * Private to the policy module (policy.c, policy_load.c, glob.c): the
 * compiled form of a pack.  Pattern lists are flattened once per load
 * into arrays of (pointer, length) that point into the pack's own JSON,
 * so evaluating an action allocates nothing but the strings it returns.
 */
#ifndef POLICY_INT_H
#define POLICY_INT_H

#include <sys/types.h>

#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

struct json_object;

/* One pattern of a list; p points into the pack's JSON, or at own for
 * an item that was not a string there. */
struct cv_pat {
	const char	*p;
	size_t		 len;
	size_t		 pre;	/* bytes before the first '*' */
	size_t		 suf;	/* bytes after the last '*' */
	int		 wild;	/* contains '*': glob, else plain compare */
	int		 simple; /* one run of stars: prefix, stars, suffix */
	char		*own;	/* NULL, or the text p points at (freed) */
};

struct cv_patlist {
	struct cv_pat	*v;
	size_t		 n;
};

/* The lists the evaluator reads, in this order inside struct cv_pack. */
enum cv_plist {
	CV_PL_BLOCK_READ = 0,	/* filesystem.block_read */
	CV_PL_BLOCK_WRITE,	/* filesystem.block_write */
	CV_PL_APPROVAL_WRITE,	/* filesystem.require_approval_write */
	CV_PL_CMD_BLOCK,	/* commands.block */
	CV_PL_CMD_ALLOW,	/* commands.allow */
	CV_PL_MCP_ALLOWED,	/* mcp.allowed_servers */
	CV_PL_MCP_BLOCKED,	/* mcp.blocked_servers */
	CV_PL__MAX
};

/* A file the compiled pack was built from, with what stat(2) said; or,
 * when absent is set, a file of a higher policy layer that did not exist
 * (the pack is stale once it does). */
struct cv_src {
	char		*path;
	struct timespec	 mtime;
	off_t		 size;
	ino_t		 ino;
	dev_t		 dev;
	int		 absent;
};

/* A compiled pack.  Read-only once loaded, except the two counters,
 * which policy_load.c's cache keeps. */
struct cv_pack {
	atomic_uint		 refs;	/* the cache's and each holder's */
	atomic_ulong		 used;	/* cache clock when last found */
	char			*id;	/* directory name */
	char			*root;	/* writable policy root ... */
	char			*broot;	/* ... and bundled root it was
					   looked up under */
	struct json_object	*json;	/* merged, normalised; owned */
	struct cv_patlist	 lists[CV_PL__MAX];
	int			 block_unknown;	/* mcp.block_unknown_servers */
	struct cv_src		*src;
	size_t			 nsrc;
};

struct stat;

int	cv_glob_match_n(const char *, size_t, const char *, size_t);
void	cv_pat_init(struct cv_pat *, const char *, size_t);
int	cv_pat_match(const struct cv_pat *, const char *, size_t);
/* The YAML reader of cavra-policy(5): a buffer, or a whole file of at
 * most CV_CONFIG_FILE_MAX bytes (see policy_load.c). */
int	cv_yaml_parse(const char *, size_t, struct json_object **, char *,
	    size_t);
int	cv_yaml_load_file(const char *, struct json_object **, struct stat *,
	    char *, size_t);
/* A whole regular file of at most CV_CONFIG_FILE_MAX bytes into a new
 * NUL-terminated buffer (freed by the caller), with its stat: 0, or an
 * errno value (EFBIG when too large). */
int	cv_policy_slurp(const char *, char **, size_t *, struct stat *);

#endif /* !POLICY_INT_H */
