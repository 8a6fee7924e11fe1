/*
 * cavra evidence index: the metadata record of an evidence bundle
 * directory (record-contracts.md 6.1), printed on stdout and, with
 * --post URL, sent to POST URL/evidence (cli_post()).  The bundle is read from its
 * manifest.json, evidence.json and, when present, retention-policy.json.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_conf.h"
#include "cli.h"

#define EV_BUNDLE_SCHEMA	"cavra.evidence.bundle.v1"
#define EV_METADATA_SCHEMA	"cavra.evidence.metadata.v1"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: cavra evidence index [--post URL] BUNDLE_DIR\n"
	    "\n"
	    "Prints the metadata record of an evidence bundle (counts,\n"
	    "signer, manifest signature, retention, approval outcomes).\n"
	    "\n"
	    "  -P, --post URL   also send it to POST URL/evidence (bearer\n"
	    "                   token of $" CLI_TOKEN_ENV " when set)\n"
	    "  -h, --help       this text\n");
}

/*
 * Loads file `name` of bundle dir into *out (new reference), which must
 * be a JSON object.  A missing file is CV_ENOENT when optional is set;
 * otherwise every failure is CV_EINVAL with a line on stderr.
 */
static enum cv_err
bundle_file(const char *dir, const char *name, int optional,
    struct json_object **out)
{
	struct stat	 st;
	char		 path[4096];
	enum cv_err	 rc = CV_EINVAL;

	*out = NULL;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		cli_warnx("%s: path too long", dir);
		goto out;
	}
	if (stat(path, &st) == -1) {
		if (errno == ENOENT && optional) {
			rc = CV_ENOENT;
			goto out;
		}
		cli_warnx("%s is not an evidence bundle: %s: %s", dir, name,
		    strerror(errno));
		goto out;
	}
	if (cv_conf_load_path("cavra: evidence index", path, out) != CV_OK)
		goto out;
	if (!json_object_is_type(*out, json_type_object)) {
		cli_warnx("%s: %s is not a JSON object", dir, name);
		json_object_put(*out);
		*out = NULL;
		goto out;
	}
	rc = CV_OK;
out:
	return rc;
}

/* The value of key k of o as a new reference, or a new null. */
static struct json_object *
copy_or_null(struct json_object *o, const char *k)
{
	struct json_object	*v;

	if (o != NULL && json_object_object_get_ex(o, k, &v) && v != NULL)
		return json_object_get(v);
	return NULL;
}

/*
 * The metadata record of the bundle at dir from its manifest, evidence
 * and retention (NULL: none).  New reference; NULL with a line on stderr
 * when the evidence has no session_id or no decisions list.
 */
static struct json_object *
metadata_new(const char *dir, struct json_object *man,
    struct json_object *evi, struct json_object *ret)
{
	struct json_object	*m, *decs, *d, *appr, *outcomes;
	const char		*sid, *dec, *state;
	int64_t			 blocked = 0, approval = 0, approved = 0;
	int64_t			 denied = 0, glass = 0;
	size_t			 i, n;
	int			 bg;

	if (cv_json_str(evi, "session_id", &sid) != CV_JGET_OK ||
	    *sid == '\0') {
		cli_warnx("%s: evidence.json has no session_id", dir);
		return NULL;
	}
	if (cv_json_arr(evi, "decisions", &decs) != CV_JGET_OK) {
		cli_warnx("%s: evidence.json has no decisions list", dir);
		return NULL;
	}
	outcomes = json_object_new_array();
	n = json_object_array_length(decs);
	for (i = 0; i < n; i++) {
		d = json_object_array_get_idx(decs, i);
		if (!json_object_is_type(d, json_type_object))
			continue;
		dec = cv_json_str_or(d, "decision", "");
		if (strcmp(dec, "block") == 0)
			blocked++;
		else if (strcmp(dec, "require_approval") == 0)
			approval++;
		if (cv_json_obj(d, "approval", &appr) != CV_JGET_OK)
			continue;
		json_object_array_add(outcomes, json_object_get(appr));
		state = cv_json_str_or(appr, "state", "");
		bg = strcmp(state, "break_glass") == 0;
		if (strcmp(state, "approved") == 0 || bg)
			approved++;
		if (strcmp(state, "denied") == 0)
			denied++;
		if (bg)
			glass++;
	}
	m = json_object_new_object();
	cv_json_add_str(m, "schema_version", EV_METADATA_SCHEMA);
	cv_json_add_str(m, "product", "CAVRA");
	cv_json_add_str(m, "session_id", sid);
	cv_json_add_str(m, "bundle_dir", dir);
	json_object_object_add(m, "created_at",
	    copy_or_null(cv_json_str_or(evi, "created_at", NULL) != NULL ?
	    evi : man, "created_at"));
	cv_json_add_int(m, "decision_count", (int64_t)n);
	cv_json_add_int(m, "blocked_count", blocked);
	cv_json_add_int(m, "approval_required_count", approval);
	json_object_object_add(m, "manifest_signature",
	    copy_or_null(man, "signature"));
	json_object_object_add(m, "signer", copy_or_null(man, "signer"));
	json_object_object_add(m, "retention", ret != NULL ?
	    json_object_get(ret) : copy_or_null(evi, "retention"));
	json_object_object_add(m, "approval_outcomes", outcomes);
	cv_json_add_int(m, "approved_count", approved);
	cv_json_add_int(m, "denied_count", denied);
	cv_json_add_int(m, "break_glass_count", glass);
	return m;
}

/*
 * Sends metadata m to POST <base>/evidence (cli_post()).  Returns 0 on a
 * 2xx answer, CLI_EXIT_UNREACHABLE when the API cannot be reached,
 * CLI_EXIT_ERROR otherwise (a line on stderr).
 */
static int
post(const char *base, struct json_object *m)
{
	struct cli_answer	 a;
	const char		*detail;
	int			 rc;

	rc = cli_post(base, "/evidence", json_object_to_json_string_ext(m,
	    JSON_C_TO_STRING_PLAIN), CV_CLI_TIMEOUT_S * 1000L, &a);
	if (rc != 0) {
		cli_warnx("%s", a.err);
		goto out;
	}
	if (a.status / 100 != 2) {
		detail = a.json != NULL ? cv_json_str_or(a.json, "detail",
		    NULL) : NULL;
		cli_warnx("%s: HTTP %ld%s%s", a.url, a.status, detail != NULL ?
		    ": " : "", detail != NULL ? detail : "");
		rc = CLI_EXIT_ERROR;
	}
out:
	cli_answer_free(&a);
	return rc;
}

/* cavra evidence index [--post URL] BUNDLE_DIR */
static int
evidence_index(int argc, char *argv[])
{
	static const struct option	 opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "post", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	struct json_object		*man = NULL, *evi = NULL, *ret = NULL;
	struct json_object		*m = NULL;
	struct stat			 st;
	const char			*url = NULL, *dir, *schema;
	int				 ch, rc = CLI_EXIT_ERROR;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "hP:", opts, NULL)) != -1)
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'P':
			url = optarg;
			break;
		default:
			usage(stderr);
			return CLI_EXIT_USAGE;
		}
	if (argc - optind != 1) {
		cli_warnx("evidence index: one BUNDLE_DIR expected");
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	dir = argv[optind];
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		cli_warnx("%s is not an evidence bundle: not a directory", dir);
		goto out;
	}
	if (bundle_file(dir, "manifest.json", 0, &man) != CV_OK ||
	    bundle_file(dir, "evidence.json", 0, &evi) != CV_OK)
		goto out;
	schema = cv_json_str_or(man, "schema_version", NULL);
	if (schema != NULL && strcmp(schema, EV_BUNDLE_SCHEMA) != 0) {
		cli_warnx("%s is not an evidence bundle: manifest.json is "
		    "%s, not " EV_BUNDLE_SCHEMA, dir, schema);
		goto out;
	}
	switch (bundle_file(dir, "retention-policy.json", 1, &ret)) {
	case CV_OK:
	case CV_ENOENT:
		break;
	default:
		goto out;
	}
	if ((m = metadata_new(dir, man, evi, ret)) == NULL)
		goto out;
	if (url != NULL && (rc = post(url, m)) != 0)
		goto out;
	printf("%s\n", json_object_to_json_string_ext(m,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	rc = 0;
out:
	json_object_put(m);
	json_object_put(ret);
	json_object_put(evi);
	json_object_put(man);
	return rc;
}

int
cli_evidence(int argc, char *argv[])
{
	if (argc >= 2 && strcmp(argv[1], "index") == 0)
		return evidence_index(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc < 2)
		cli_warnx("evidence: no command");
	else
		cli_warnx("evidence: unknown command \"%s\"", argv[1]);
	usage(stderr);
	return CLI_EXIT_USAGE;
}
