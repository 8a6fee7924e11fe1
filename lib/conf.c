/*
 * Configuration files named by environment variables; see cv_conf.h.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cv_conf.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_store.h"
#include "cv_util.h"
#include "policy_int.h"

/* What lib/jwt.c verifies and lib/auth.c applies: see cv_conf.h.  The
 * claims are those checked (iss, aud, exp, nbf) and those the actor and
 * its rights are read from (groups, roles, email, sub). */
const char *const cv_oidc_algorithms[] = { "RS256", NULL };
const char *const cv_oidc_claims[] = { "iss", "aud", "exp", "nbf", "groups",
    "roles", "email", "sub", NULL };
const char *const cv_rbac_boundaries[] = { "approval_group",
    "repository_permissions", "group_mappings", NULL };

const char *const cv_conf_files[] = {
	"CAVRA_APPROVAL_OIDC_CONFIG",
	"CAVRA_APPROVAL_RBAC_FILE",
	"CAVRA_APPROVAL_ROUTING_FILE",
	"CAVRA_APPROVAL_PROVIDER_CONFIG",
	"CAVRA_CONNECTOR_CONFIG",
	NULL
};

/* The variables whose file may also be a list: the approval routing
 * rules (record-contracts.md 5.4). */
static const char *const list_files[] = {
	"CAVRA_APPROVAL_ROUTING_FILE",
	NULL
};

static int
is_yaml(const char *path)
{
	size_t	 n = strlen(path);

	return (n > 5 && strcmp(path + n - 5, ".yaml") == 0) ||
	    (n > 4 && strcmp(path + n - 4, ".yml") == 0);
}

/*
 * Reads a whole regular file of at most CV_CONFIG_FILE_MAX bytes into a
 * malloc'ed, NUL-terminated buffer the caller frees.  Returns NULL with
 * a sentence in err.
 */
static char *
slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	struct stat	 st;
	char		*buf = NULL;
	ssize_t		 r;
	size_t		 got = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		goto out;
	}
	if (st.st_size > CV_CONFIG_FILE_MAX) {
		snprintf(err, errlen, "larger than %d bytes",
		    CV_CONFIG_FILE_MAX);
		goto out;
	}
	buf = cv_xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(err, errlen, "read: %s", r == 0 ?
			    "unexpected end of file" : strerror(errno));
			free(buf);
			buf = NULL;
			goto out;
		}
		got += (size_t)r;
	}
	buf[got] = '\0';
	*len = got;
out:
	close(fd);
	return buf;
}

enum cv_err
cv_conf_load(const char *env, struct json_object **out)
{
	const char	*path;

	*out = NULL;
	if ((path = cv_env(env)) == NULL)
		return CV_OK;
	return cv_conf_load_path(env, path, out);
}

enum cv_err
cv_conf_load_path(const char *what, const char *path,
    struct json_object **out)
{
	struct json_object	*doc = NULL;
	struct stat		 st;
	char			 err[512], *buf;
	size_t			 len = 0;
	int			 rc;

	*out = NULL;
	err[0] = '\0';
	if (is_yaml(path)) {
		rc = cv_yaml_load_file(path, &doc, &st, err, sizeof(err));
		if (rc > 0)
			snprintf(err, sizeof(err), "%s", strerror(rc));
		if (rc != 0)
			goto fail;
	} else {
		if ((buf = slurp(path, &len, err, sizeof(err))) == NULL)
			goto fail;
		rc = cv_json_parse(buf, len, CV_JSON_DEPTH_MAX, &doc, err,
		    sizeof(err));
		free(buf);
		if (rc != CV_OK)
			goto fail;
	}
	if (!json_object_is_type(doc, json_type_object) &&
	    !(json_object_is_type(doc, json_type_array) &&
	    cv_strv_has(list_files, what))) {
		snprintf(err, sizeof(err), "must be a %s mapping (an object)%s",
		    is_yaml(path) ? "YAML" : "JSON", cv_strv_has(list_files,
		    what) ? " or a list" : "");
		goto fail;
	}
	*out = doc;
	return CV_OK;
fail:
	json_object_put(doc);
	cv_log("%s: %s: %s", what, path, err[0] != '\0' ? err : "unreadable");
	return CV_EINVAL;
}

enum cv_err
cv_conf_check(void)
{
	struct json_object	*doc;
	const char *const	*e;
	const char		*root;
	struct stat		 st;
	enum cv_err		 rc = CV_OK;

	for (e = cv_conf_files; *e != NULL; e++) {
		if (cv_conf_load(*e, &doc) != CV_OK)
			rc = CV_EINVAL;
		json_object_put(doc);
	}
	root = cv_env("CAVRA_EVIDENCE_ARTIFACT_ROOT");
	if (root != NULL && (stat(root, &st) == -1 || !S_ISDIR(st.st_mode))) {
		cv_log("CAVRA_EVIDENCE_ARTIFACT_ROOT: %s: not a directory",
		    root);
		rc = CV_EINVAL;
	}
	if (cv_store_config_check() != CV_OK)
		rc = CV_EINVAL;
	return rc;
}
