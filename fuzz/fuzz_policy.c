/*
 * Fuzzes policy packs past the YAML reader (lib/policy_load.c,
 * policy.c): inheritance (metadata.inherits, cycles, missing parents),
 * the merge and normalisation of sections, the compiled pattern lists,
 * the catalog summary, and the evaluator over the result.
 *
 * The input is the policy.yaml of pack "fz" in a private temporary
 * policy root; after a NUL byte (which YAML cannot contain) comes the
 * policy.yaml of a second pack, "other".  The root also holds a fixed
 * pack "base".  So `metadata: {inherits: [base, other]}` merges three
 * packs and `inherits: fz` in "other" makes a cycle.  Every compiled
 * pack is asked about file, command, git and MCP actions, among them the
 * pack's own patterns as targets.  A verdict without a decision,
 * severity, rule or reason aborts.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_policy.h"
#include "policy_int.h"
#include "fuzz.h"

static const char base_pack[] =
    "metadata:\n"
    "  id: base\n"
    "  title: Base\n"
    "  version: \"1\"\n"
    "filesystem:\n"
    "  block_read: [\"**/.env\", \".env\", \"*.pem\"]\n"
    "  block_write: [\".github/workflows/**\", \"**/main.tf\"]\n"
    "  require_approval_write: [\"iam/**\", \"policy/*\"]\n"
    "commands:\n"
    "  block: [\"rm -rf /*\", \"*terraform apply*\"]\n"
    "  allow: [\"make test\", \"terraform plan*\"]\n"
    "mcp:\n"
    "  allowed_servers: [github, filesystem]\n"
    "  blocked_servers: [shady]\n"
    "  block_unknown_servers: true\n"
    "git:\n"
    "  protected_branches: [main, master]\n";

static char	root[64];

/* Writes n bytes of p to root/id/policy.yaml. */
static void
put_pack(const char *id, const char *p, size_t n)
{
	char	 path[128];
	ssize_t	 w;
	size_t	 off;
	int	 fd;

	snprintf(path, sizeof(path), "%s/%s", root, id);
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		perror("fuzz_policy: mkdir");
		abort();
	}
	snprintf(path, sizeof(path), "%s/%s/policy.yaml", root, id);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		perror("fuzz_policy: open");
		abort();
	}
	for (off = 0; off < n; off += (size_t)w)
		if ((w = write(fd, p + off, n - off)) <= 0) {
			perror("fuzz_policy: write");
			abort();
		}
	close(fd);
}

static void
cleanup(void)
{
	static const char *const ids[] = { "base", "fz", "other" };
	char			 path[128];
	size_t			 i;

	cv_policy_cache_clear();
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s/policy.yaml", root, ids[i]);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s", root, ids[i]);
		rmdir(path);
	}
	rmdir(root);
}

static void
setup(void)
{
	if (root[0] != '\0')
		return;
	fuzz_tmpdir(root, sizeof(root), "fuzz_policy");
	setenv("CAVRA_POLICY_DIR", root, 1);
	put_pack("base", base_pack, sizeof(base_pack) - 1);
	atexit(cleanup);
}

static void
check(const struct cv_verdict *v, const char *what)
{
	if (v->decision != NULL && v->severity != NULL &&
	    v->rule_id != NULL && v->reason != NULL)
		return;
	fprintf(stderr, "fuzz_policy: incomplete verdict for %s\n", what);
	abort();
}

static void
eval(const struct cv_pack *pk, struct cv_arena *a, const char *type,
    const char *target)
{
	struct cv_action	 act;
	struct cv_verdict	 v;

	memset(&act, 0, sizeof(act));
	memset(&v, 0, sizeof(v));
	act.action_type = type;
	act.target = target;
	if (strcmp(type, "mcp_tool_call") == 0) {
		act.server = target;
		act.tool = "read";
		cv_policy_eval_mcp_pack(pk, &act, a, &v);
	} else if (cv_policy_eval(pk, &act, a, &v) != CV_OK) {
		fprintf(stderr, "fuzz_policy: %s not evaluated\n", type);
		abort();
	}
	check(&v, type);
}

/* Asks a compiled pack about fixed actions and its own patterns. */
static void
probe(const struct cv_pack *pk)
{
	static const char *const files[] = { ".env", "a/b/.env", "x.pem",
	    ".github/workflows/ci.yml", "iam/role.tf", "/etc/passwd",
	    "src/../.env", "", NULL };
	static const char *const cmds[] = { "rm -rf /", "  make test ",
	    "terraform apply -auto-approve", "ls", "", NULL };
	static const char *const git[] = { "main", "origin master",
	    "refs/heads/main", "+HEAD:main", "feature/x", "a:", "", NULL };
	/* The action type that reads each list, in enum cv_plist order. */
	static const char *const types[CV_PL__MAX] = { "read_file",
	    "write_file", "write_file", "execute_command", "execute_command",
	    "mcp_tool_call", "mcp_tool_call" };
	struct cv_arena		 a;
	struct cv_action	 act;
	struct cv_verdict	 v;
	struct json_object	*mcp;
	const struct cv_pat	*pt;
	char			*t;
	size_t			 i, j;

	cv_arena_init(&a);
	for (i = 0; files[i] != NULL; i++) {
		eval(pk, &a, "read_file", files[i]);
		eval(pk, &a, "write_file", files[i]);
	}
	for (i = 0; cmds[i] != NULL; i++)
		eval(pk, &a, "execute_command", cmds[i]);
	for (i = 0; git[i] != NULL; i++)
		eval(pk, &a, "git_operation", git[i]);
	eval(pk, &a, "mcp_tool_call", "github");
	eval(pk, &a, "mcp_tool_call", "unknown");
	for (i = 0; i < CV_PL__MAX; i++)
		for (j = 0; j < pk->lists[i].n && j < 4; j++) {
			pt = &pk->lists[i].v[j];
			t = cv_arena_strndup(&a, pt->p, pt->len);
			eval(pk, &a, types[i], t);
		}

	/* The pack's mcp: section taken as a trust-registry record. */
	memset(&act, 0, sizeof(act));
	act.action_type = "mcp_tool_call";
	act.server = "github";
	act.capability = "filesystem";
	mcp = json_object_object_get(cv_pack_json(pk), "mcp");
	memset(&v, 0, sizeof(v));
	cv_policy_eval_mcp_registry(mcp, &act, &a, &v);
	check(&v, "mcp registry");
	cv_arena_free(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct cv_pack	*pk;
	struct json_object	*cat;
	const char		*in = (const char *)data, *cut;
	char			 err[512];
	size_t			 n;

	setup();
	cut = memchr(in, '\0', size);
	n = cut != NULL ? (size_t)(cut - in) : size;
	put_pack("fz", in, n);
	if (cut != NULL)
		put_pack("other", cut + 1, size - n - 1);
	else
		put_pack("other", "metadata: {id: other}\n", 22);
	/* Same size and mtime tick as the last input: start afresh. */
	cv_policy_cache_clear();

	if (cv_policy_get("fz", &pk, err, sizeof(err)) == CV_OK) {
		(void)cv_pack_id(pk);
		(void)cv_pack_json(pk);
		probe(pk);
		/* Again, from the cache. */
		if (cv_policy_get("fz", &pk, err, sizeof(err)) != CV_OK) {
			fprintf(stderr, "fuzz_policy: cached pack lost\n");
			abort();
		}
	} else if (err[0] == '\0') {
		fprintf(stderr, "fuzz_policy: failed without a message\n");
		abort();
	}
	if (cv_policy_get("other", &pk, err, sizeof(err)) == CV_OK)
		probe(pk);
	if (cv_policy_catalog(0, &cat) == CV_OK)
		json_object_put(cat);
	if (cv_policy_catalog(1, &cat) == CV_OK)
		json_object_put(cat);
	return 0;
}
