/*
 * What the cavra subcommands that talk to the API share: one POST of a
 * JSON body with libcurl (HTTP(S) only, no signals, bounded connect and
 * total time, the bearer token of CAVRA_TOKEN, the answer read up to
 * CV_CLI_ANSWER_MAX bytes and parsed when it is JSON).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "cavra.h"
#include "cv_policy.h"
#include "cli.h"

/* libcurl's write callback: keeps the answer up to CV_CLI_ANSWER_MAX
 * bytes; past it, stops the transfer. */
static size_t
answer_write(char *p, size_t size, size_t n, void *arg)
{
	struct cli_answer	*a = arg;

	n *= size;
	if (a->body.len + n > CV_CLI_ANSWER_MAX) {
		a->too_big = 1;
		return 0;
	}
	cv_text_add(&a->body, p, n);
	return n;
}

int
cli_post(const char *base, const char *path, const char *body,
    long timeout_ms, struct cli_answer *a)
{
	CURL			*c = NULL;
	struct curl_slist	*hdrs = NULL;
	const char		*token;
	char			*auth = NULL, cerr[CURL_ERROR_SIZE], perr[256];
	size_t			 n;
	CURLcode		 cc;
	int			 rc = CLI_EXIT_ERROR;

	memset(a, 0, sizeof(*a));
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	if (asprintf(&a->url, "%.*s%s", (int)n, base, path) == -1) {
		a->url = NULL;
		snprintf(a->err, sizeof(a->err), "out of memory");
		goto out;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (c = curl_easy_init()) == NULL) {
		snprintf(a->err, sizeof(a->err), "cannot start libcurl");
		goto out;
	}
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if ((token = cv_env(CLI_TOKEN_ENV)) != NULL) {
		if (asprintf(&auth, "Authorization: Bearer %s", token) == -1) {
			auth = NULL;
			snprintf(a->err, sizeof(a->err), "out of memory");
			goto out;
		}
		hdrs = curl_slist_append(hdrs, auth);
	}
	cerr[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, a->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	    timeout_ms < CV_CLIENT_CONNECT_MS ? timeout_ms :
	    (long)CV_CLIENT_CONNECT_MS);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, answer_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	if ((cc = curl_easy_perform(c)) != CURLE_OK) {
		if (a->too_big) {
			snprintf(a->err, sizeof(a->err),
			    "%s: the answer is longer than %d bytes", a->url,
			    CV_CLI_ANSWER_MAX);
			goto out;
		}
		snprintf(a->err, sizeof(a->err),
		    "%s: cannot reach the API: %s", a->url,
		    cerr[0] != '\0' ? cerr : curl_easy_strerror(cc));
		rc = CLI_EXIT_UNREACHABLE;
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->status);
	if (cv_json_parse(a->body.p != NULL ? a->body.p : "", a->body.len,
	    CV_JSON_DEPTH_MAX, &a->json, perr, sizeof(perr)) != CV_OK)
		a->json = NULL;
	rc = 0;
out:
	curl_slist_free_all(hdrs);
	if (c != NULL)
		curl_easy_cleanup(c);
	curl_global_cleanup();
	free(auth);
	return rc;
}

void
cli_answer_free(struct cli_answer *a)
{
	json_object_put(a->json);
	free(a->body.p);
	free(a->url);
	memset(a, 0, sizeof(*a));
}

struct json_object *
cli_decision_body(const struct cli_asker *who, const struct cv_action *a)
{
	struct json_object	*o;
	const struct {
		const char	*key;
		const char	*value;
	} f[] = {
		{ "policy_pack", who->pack },
		{ "session_id", who->session_id },
		{ "agent_id", who->agent_id },
		{ "actor", who->actor },
		{ "repository", who->repository },
		{ "action_type", a->action_type },
		{ "target", a->target },
		{ "operation", a->operation },
		{ "server", a->server },
		{ "tool", a->tool },
		{ "capability", a->capability },
	};
	size_t			 i;

	o = json_object_new_object();
	for (i = 0; i < nitems(f); i++)
		if (f[i].value != NULL)
			json_object_object_add(o, f[i].key,
			    json_object_new_string(f[i].value));
	return o;
}
