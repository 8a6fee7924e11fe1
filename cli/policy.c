/*
 * cavra policy test DIR: runs the fixture files of DIR (cavra(1) FIXTURE
 * FILES) against the policy packs in this process and prints one line
 * per case, PASS or FAIL, then the totals.  Every key of a fixture is
 * checked, so a misspelt one is an error rather than a case that tests
 * nothing.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_policy.h"
#include "cli.h"

/* The totals of a run. */
struct pt_sum {
	size_t	 pass;
	size_t	 fail;
	size_t	 errors;	/* broken files or cases */
};

static const char *const file_keys[] = { "policy_pack", "description",
    "cases", NULL };
static const char *const case_keys[] = { "name", "action", "expect", NULL };
static const char *const action_keys[] = { "action_type", "target",
    "operation", "server", "tool", "capability", NULL };
static const char *const expect_keys[] = { "decision", "rule_id",
    "severity", NULL };

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: cavra policy test [-d policy-dir] dir\n"
	    "\n"
	    "Runs every fixture file (*.yaml, *.yml, *.json) of dir against\n"
	    "the policy pack it names and prints a PASS/FAIL table.\n"
	    "Exit status: 0 every case passed, 1 a case failed, 3 usage,\n"
	    "4 a fixture or pack that cannot be used.\n"
	    "\n"
	    "  -d, --policy-dir DIR  the writable policy root\n"
	    "  -h, --help            this text\n");
}

static void
policy_usage(FILE *f)
{
	fprintf(f, "usage: cavra policy test [-d policy-dir] dir\n"
	    "       cavra policy test --help\n");
}

/* 1 when every key of object o is in keys; else says which is not. */
static int
keys_ok(const char *file, const char *where, struct json_object *o,
    const char *const *keys)
{
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (!cv_strv_has(keys, key)) {
			cli_warnx("%s: %s: unknown key \"%s\"", file, where,
			    key);
			return 0;
		}
	}
	return 1;
}

/* The string at key of o into *out (NULL when absent); 0 and a message
 * when it is there and not a string, or missing and required. */
static int
str_field(const char *file, const char *where, struct json_object *o,
    const char *key, int required, const char **out)
{
	*out = NULL;
	switch (cv_json_str(o, key, out)) {
	case CV_JGET_OK:
		return 1;
	case CV_JGET_ABSENT:
		if (!required)
			return 1;
		cli_warnx("%s: %s: missing %s", file, where, key);
		return 0;
	default:
		cli_warnx("%s: %s: %s must be a string", file, where, key);
		return 0;
	}
}

/* "decision rule_id" (and severity when asked) as shown in the table;
 * arena. */
static const char *
shown(struct cv_arena *ar, const char *decision, const char *rule,
    const char *severity)
{
	return cv_arena_printf(ar, "%s%s%s%s%s", decision,
	    rule != NULL ? " " : "", rule != NULL ? rule : "",
	    severity != NULL ? " " : "", severity != NULL ? severity : "");
}

/*
 * Runs case c (number i) of file against pack id and prints its line;
 * adds it to *sum.
 */
static void
run_case(const char *file, const char *id, size_t i, struct json_object *c,
    struct cv_arena *ar, struct pt_sum *sum)
{
	struct json_object	*action, *expect;
	struct cv_action	 act;
	struct cv_verdict	 v;
	const char		*name, *dec, *rule, *sev, *where;
	char			 err[512];
	int			 ok;

	where = cv_arena_printf(ar, "case %zu", i + 1);
	if (!json_object_is_type(c, json_type_object)) {
		cli_warnx("%s: %s: not a mapping", file, where);
		goto broken;
	}
	if (!str_field(file, where, c, "name", 1, &name))
		goto broken;
	where = cv_arena_printf(ar, "case %zu (%s)", i + 1, name);
	memset(&act, 0, sizeof(act));
	if (!keys_ok(file, where, c, case_keys))
		goto broken;
	if (cv_json_obj(c, "action", &action) != CV_JGET_OK ||
	    cv_json_obj(c, "expect", &expect) != CV_JGET_OK) {
		cli_warnx("%s: %s: action and expect must be mappings", file,
		    where);
		goto broken;
	}
	if (!keys_ok(file, where, action, action_keys) ||
	    !keys_ok(file, where, expect, expect_keys) ||
	    !str_field(file, where, action, "action_type", 1,
	    &act.action_type) ||
	    !str_field(file, where, action, "target", 0, &act.target) ||
	    !str_field(file, where, action, "operation", 0, &act.operation) ||
	    !str_field(file, where, action, "server", 0, &act.server) ||
	    !str_field(file, where, action, "tool", 0, &act.tool) ||
	    !str_field(file, where, action, "capability", 0,
	    &act.capability) ||
	    !str_field(file, where, expect, "decision", 1, &dec) ||
	    !str_field(file, where, expect, "rule_id", 0, &rule) ||
	    !str_field(file, where, expect, "severity", 0, &sev))
		goto broken;
	if (!cv_action_type_valid(act.action_type)) {
		cli_warnx("%s: %s: unknown action_type \"%s\"", file, where,
		    act.action_type);
		goto broken;
	}
	if (act.target == NULL &&
	    strcmp(act.action_type, "git_operation") != 0 &&
	    strcmp(act.action_type, "mcp_tool_call") != 0) {
		cli_warnx("%s: %s: %s needs a target", file, where,
		    act.action_type);
		goto broken;
	}
	memset(&v, 0, sizeof(v));
	if (cli_decide(id, &act, ar, &v, err, sizeof(err)) != CV_OK) {
		cli_warnx("%s: %s: %s", file, where, err);
		goto broken;
	}
	ok = strcmp(v.decision, dec) == 0 &&
	    (rule == NULL || strcmp(v.rule_id, rule) == 0) &&
	    (sev == NULL || strcmp(v.severity, sev) == 0);
	printf("%-4s  %-28s  %-44s  %s", ok ? "PASS" : "FAIL", id, name,
	    shown(ar, dec, rule, sev));
	if (!ok)
		printf("  (got %s)", shown(ar, v.decision, rule != NULL ?
		    v.rule_id : NULL, sev != NULL ? v.severity : NULL));
	printf("\n");
	if (ok)
		sum->pass++;
	else
		sum->fail++;
	return;
broken:
	sum->errors++;
}

/* Runs every case of fixture file `path` (shown as `file`). */
static void
run_file(const char *path, const char *file, struct pt_sum *sum)
{
	struct json_object	*doc = NULL, *cases;
	struct cv_arena		 ar;
	const char		*id;
	size_t			 i, n;

	cv_arena_init(&ar);
	if (cv_conf_load_path("cavra: policy test", path, &doc) != CV_OK)
		goto broken;
	if (!keys_ok(file, "file", doc, file_keys) ||
	    !str_field(file, "file", doc, "policy_pack", 1, &id))
		goto broken;
	if (cv_json_arr(doc, "cases", &cases) != CV_JGET_OK ||
	    (n = json_object_array_length(cases)) == 0) {
		cli_warnx("%s: cases must be a list of at least one case",
		    file);
		goto broken;
	}
	for (i = 0; i < n; i++) {
		run_case(file, id, i, json_object_array_get_idx(cases, i), &ar,
		    sum);
		cv_arena_reset(&ar);
	}
	goto out;
broken:
	sum->errors++;
out:
	json_object_put(doc);
	cv_arena_free(&ar);
}

/* A fixture file's name: *.yaml, *.yml or *.json, not hidden. */
static int
is_fixture(const struct dirent *d)
{
	const char	*dot;

	if (d->d_name[0] == '.' || (dot = strrchr(d->d_name, '.')) == NULL)
		return 0;
	return strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0 ||
	    strcmp(dot, ".json") == 0;
}

/* Runs the fixture files of dir in name order and prints the table.
 * Returns the exit status. */
static int
run_dir(const char *dir)
{
	struct dirent	**names = NULL;
	struct pt_sum	  sum;
	char		 *path;
	int		  i, n, rc;

	memset(&sum, 0, sizeof(sum));
	if ((n = scandir(dir, &names, is_fixture, alphasort)) == -1) {
		cli_warnx("%s: %s", dir, strerror(errno));
		return CLI_EXIT_ERROR;
	}
	if (n == 0) {
		cli_warnx("%s: no fixture files (*.yaml, *.yml, *.json)", dir);
		rc = CLI_EXIT_ERROR;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (asprintf(&path, "%s/%s", dir, names[i]->d_name) == -1) {
			cli_warnx("out of memory");
			rc = CLI_EXIT_ERROR;
			goto out;
		}
		run_file(path, path, &sum);
		free(path);
	}
	printf("%zu passed, %zu failed, %zu error%s\n", sum.pass, sum.fail,
	    sum.errors, sum.errors == 1 ? "" : "s");
	rc = sum.errors > 0 ? CLI_EXIT_ERROR : sum.fail > 0 ?
	    CLI_EXIT_BLOCK : 0;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	cv_policy_cache_clear();
	return rc;
}

/* cavra policy test [-d policy-dir] dir */
static int
policy_test(int argc, char *argv[])
{
	static const struct option	 opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "policy-dir", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	int				 ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "hd:", opts, NULL)) != -1)
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'd':
			if (setenv("CAVRA_POLICY_DIR", optarg, 1) == -1) {
				cli_warnx("cannot set CAVRA_POLICY_DIR");
				return CLI_EXIT_ERROR;
			}
			break;
		default:
			usage(stderr);
			return CLI_EXIT_USAGE;
		}
	if (argc - optind != 1) {
		cli_warnx("policy test: expected one directory");
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	return run_dir(argv[optind]);
}

int
cli_policy(int argc, char *argv[])
{
	if (argc < 2) {
		policy_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		policy_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "test") == 0)
		return policy_test(argc - 1, argv + 1);
	cli_warnx("policy: unknown command \"%s\"", argv[1]);
	policy_usage(stderr);
	return CLI_EXIT_USAGE;
}
