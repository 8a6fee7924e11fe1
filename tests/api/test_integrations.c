/*
 * cavra-integrations through the real stack: create, update, list with
 * filters, get by id or by provider, on both store backends, and
 * delivery without a connector config; then live delivery on a stack of
 * its own.
 *
 * That stack ("conn", JSON stores, one worker process per responder)
 * runs with a CAVRA_CONNECTOR_CONFIG whose connectors point at three
 * http-recv receivers on loopback (one answering at once, one after
 * SLOW_MS, one with 500 then 200) and at a dead port, every one with a
 * secret (a token from the environment, an API key, a Slack webhook
 * path, query strings).  This program starts it once, before its tests,
 * and stops it after them (report hooks run in the runner process; the
 * tests, in processes of their own, find it by its run directory).  No
 * secret may show in an answer or in any log of the run directory.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/hooks.h>

#include "extra.h"
#include "flow.h"
#include "harness.h"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define SLOW_MS		3000	/* the slow receiver's delay */
#define FAST_MS		1000	/* a GET answers within this meanwhile */

/* What the connector config holds that must never show. */
static const char *const secrets[] = {
	"JIRATOKENSECRET", "SPLUNKAUTHSECRET", "LINUXKEYSECRET",
	"LINUXQUERYSECRET", "SLACKPATHSECRET", "TEAMSQUERYSECRET",
	"DEADQUERYSECRET", NULL
};

/* POST /integrations with body; the answer in *r, asserted 200. */
static void
upsert(const char *body, struct api_resp *r)
{
	api_req("POST", "/integrations", body, NULL, r);
	cr_assert_eq(r->status, 200, "%s: %ld %s", body, r->status, r->body);
}

/* GET path; the total of the {items,total} answer. */
static long long
list_total(const char *path)
{
	struct api_resp	 r;
	long long	 n;

	api_req("GET", path, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s: %s", path, r.body);
	n = api_int(r.json, "total");
	cr_assert_eq((long long)json_object_array_length(api_get(r.json,
	    "items")), n);
	api_free(&r);
	return n;
}

/* Asserts no secret of the connector config shows in text. */
static void
assert_no_secret(const char *what, const char *text)
{
	const char *const	*s;

	for (s = secrets; *s != NULL; s++)
		cr_assert_null(strstr(text, *s), "%s in %s: %s", *s, what,
		    text);
}

/* ---- records, on both store backends ----------------------------- */

/* s lower-cased in place. */
static char *
lower(char *s)
{
	char	*p;

	for (p = s; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

/* The defaults of 3.1, the id as the slug of provider-environment, the
 * name as the provider, tenant_id kept as a string. */
API_TEST(integrations, defaults_and_slug_id)
{
	struct api_resp	 r;
	struct json_object *o;
	char		 uid[96], body[512], id[160];

	api_uid(uid, sizeof(uid), "Prov");
	snprintf(body, sizeof(body), "{\"provider\": \"%s\", \"environment\": "
	    "\"EU West/1\", \"tenant_id\": 42, \"workspace_id\": \"\"}", uid);
	upsert(body, &r);
	snprintf(id, sizeof(id), "%s-eu-west-1", uid);
	cr_assert_str_eq(api_str(r.json, "integration_id"), lower(id));
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.integration.v1");
	cr_assert_str_eq(api_str(r.json, "name"), uid);
	cr_assert_str_eq(api_str(r.json, "provider"), uid);
	cr_assert_str_eq(api_str(r.json, "category"), "security");
	cr_assert_str_eq(api_str(r.json, "status"), "planned");
	cr_assert_str_eq(api_str(r.json, "health_status"), "not_checked");
	cr_assert_str_eq(api_str(r.json, "owner"), "platform-security");
	cr_assert_str_eq(api_str(r.json, "environment"), "EU West/1");
	cr_assert_str_eq(api_str(r.json, "auth_mode"), "not_configured");
	cr_assert(json_object_object_get_ex(r.json, "endpoint_ref", &o) &&
	    o == NULL);
	cr_assert(json_object_object_get_ex(r.json, "last_checked_at", &o) &&
	    o == NULL);
	cr_assert_eq(json_object_array_length(api_get(r.json,
	    "capabilities")), 0);
	cr_assert_eq(json_object_array_length(api_get(r.json,
	    "repositories")), 0);
	cr_assert_eq(json_object_array_length(api_get(r.json,
	    "evidence_refs")), 0);
	cr_assert_str_eq(api_str(r.json, "tenant_id"), "42");
	cr_assert(!json_object_object_get_ex(r.json, "workspace_id", NULL),
	    "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "created_at"),
	    api_str(r.json, "updated_at"));
	api_free(&r);

	/* Without an environment: "<provider>-global". */
	api_uid(uid, sizeof(uid), "Other");
	snprintf(body, sizeof(body), "{\"provider\": \"%s\"}", uid);
	upsert(body, &r);
	snprintf(id, sizeof(id), "%s-global", uid);
	cr_assert_str_eq(api_str(r.json, "integration_id"), lower(id));
	api_free(&r);

	/* Dashes trimmed at both ends. */
	api_uid(uid, sizeof(uid), "Trim");
	snprintf(body, sizeof(body), "{\"provider\": \"!%s\", "
	    "\"environment\": \"?\"}", uid);
	upsert(body, &r);
	cr_assert_str_eq(api_str(r.json, "integration_id"), lower(uid));
	api_free(&r);
}

/* integration_id, else id, names the record; an update keeps
 * created_at, refreshes updated_at and keeps unknown fields. */
API_TEST(integrations, ids_and_update)
{
	struct api_resp	 r;
	char		 uid[96], body[512], path[256], created[64];

	api_uid(uid, sizeof(uid), "int");
	snprintf(body, sizeof(body),
	    "{\"id\": \"%s\", \"provider\": \"splunk\","
	    " \"category\": \"siem\", \"capabilities\": [\"export\", 7, null],"
	    " \"custom\": {\"k\": 1}}", uid);
	upsert(body, &r);
	cr_assert_str_eq(api_str(r.json, "integration_id"), uid);
	cr_assert_str_eq(json_object_to_json_string_ext(api_get(r.json,
	    "capabilities"), JSON_C_TO_STRING_PLAIN), "[\"export\",\"7\"]");
	snprintf(created, sizeof(created), "%s", api_str(r.json,
	    "created_at"));
	api_free(&r);
	usleep(2000);
	snprintf(body, sizeof(body), "{\"integration_id\": \"%s\", \"id\": "
	    "\"other\", \"provider\": \"splunk\", \"status\": \"active\", "
	    "\"health_status\": \"healthy\", \"name\": \"\"}", uid);
	upsert(body, &r);
	cr_assert_str_eq(api_str(r.json, "integration_id"), uid);
	cr_assert_str_eq(api_str(r.json, "status"), "active");
	cr_assert_str_eq(api_str(r.json, "name"), "splunk");
	cr_assert_str_eq(api_str(r.json, "created_at"), created);
	cr_assert_gt(strcmp(api_str(r.json, "updated_at"), created), 0);
	api_free(&r);

	snprintf(path, sizeof(path), "/integrations/%s", uid);
	api_req("GET", path, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "health_status"), "healthy");
	cr_assert_str_eq(api_str(r.json, "category"), "security");
	cr_assert(!json_object_object_get_ex(r.json, "custom", NULL),
	    "the update replaced the record: %s", r.body);
	api_free(&r);
}

/* GET /integrations/{x}: the id first, else the first integration of
 * provider x in id order (Q11); 404 otherwise. */
API_TEST(integrations, get_by_id_or_provider)
{
	struct api_resp	 r;
	char		 prov[96], body[512], path[256], want[160];

	api_uid(prov, sizeof(prov), "p");
	snprintf(body, sizeof(body), "{\"provider\": \"%s\", \"environment\":"
	    " \"zeta\"}", prov);
	upsert(body, &r);
	api_free(&r);
	snprintf(body, sizeof(body), "{\"provider\": \"%s\", \"environment\":"
	    " \"alpha\"}", prov);
	upsert(body, &r);
	snprintf(want, sizeof(want), "%s", api_str(r.json, "integration_id"));
	api_free(&r);
	snprintf(path, sizeof(path), "/integrations/%s", prov);
	api_req("GET", path, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "integration_id"), want);
	api_free(&r);

	/* A record whose id is another's provider wins over it. */
	snprintf(body, sizeof(body), "{\"integration_id\": \"%s\", "
	    "\"provider\": \"elsewhere\"}", prov);
	upsert(body, &r);
	api_free(&r);
	api_req("GET", path, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "provider"), "elsewhere");
	api_free(&r);

	snprintf(path, sizeof(path), "/integrations/none-%s", prov);
	api_req("GET", path, NULL, NULL, &r);
	flow_problem(&r, 404, "integration not found");
	api_free(&r);
}

/* The six filters, exact and combined, and the order by id. */
API_TEST(integrations, list_filters)
{
	struct api_resp	 r;
	struct json_object *items;
	char		 owner[96], body[512], path[512];
	size_t		 i;

	api_uid(owner, sizeof(owner), "team");
	snprintf(body, sizeof(body), "{\"integration_id\": \"%s-c\", "
	    "\"provider\": \"jira\", \"category\": \"itsm\", \"status\": "
	    "\"active\", \"owner\": \"%s\", \"environment\": \"prod\", "
	    "\"health_status\": \"healthy\"}", owner, owner);
	upsert(body, &r);
	api_free(&r);
	snprintf(body, sizeof(body), "{\"integration_id\": \"%s-a\", "
	    "\"provider\": \"slack\", \"category\": \"chatops\", \"owner\": "
	    "\"%s\", \"environment\": \"prod\"}", owner, owner);
	upsert(body, &r);
	api_free(&r);
	snprintf(body, sizeof(body), "{\"integration_id\": \"%s-b\", "
	    "\"provider\": \"jira\", \"category\": \"itsm\", \"owner\": "
	    "\"%s\", \"health_status\": \"failed\"}", owner, owner);
	upsert(body, &r);
	api_free(&r);

	snprintf(path, sizeof(path), "/integrations?owner=%s", owner);
	api_req("GET", path, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_eq(api_int(r.json, "total"), 3);
	cr_assert(!json_object_object_get_ex(r.json, "limit", NULL));
	items = api_get(r.json, "items");
	for (i = 0; i < 3; i++)
		cr_assert_eq(api_str(json_object_array_get_idx(items, i),
		    "integration_id")[strlen(owner) + 1], (char)('a' + i),
		    "not in id order: %s", r.body);
	api_free(&r);

	snprintf(path, sizeof(path), "/integrations?owner=%s&provider=jira",
	    owner);
	cr_assert_eq(list_total(path), 2);
	snprintf(path, sizeof(path), "/integrations?owner=%s&category=itsm&"
	    "status=active", owner);
	cr_assert_eq(list_total(path), 1);
	snprintf(path, sizeof(path), "/integrations?owner=%s&environment=prod",
	    owner);
	cr_assert_eq(list_total(path), 2);
	snprintf(path, sizeof(path),
	    "/integrations?owner=%s&environment=global",
	    owner);
	cr_assert_eq(list_total(path), 1);
	snprintf(path, sizeof(path), "/integrations?owner=%s&health_status="
	    "not_checked", owner);
	cr_assert_eq(list_total(path), 1);
	snprintf(path, sizeof(path), "/integrations?owner=%s&status=planned&"
	    "provider=", owner);
	cr_assert_eq(list_total(path), 2);

	api_req("GET", "/integrations?category=bogus", NULL, NULL, &r);
	api_assert_problem(&r, 422);
	api_free(&r);
	api_req("GET", "/integrations?health_status=ok", NULL, NULL, &r);
	api_assert_problem(&r, 422);
	api_free(&r);
}

/* Records that break the table are 400 "invalid integration record". */
API_TEST(integrations, invalid_records)
{
	static const struct {
		const char	*body;
		const char	*detail;
	} cases[] = {
		{ "{}", "invalid integration record: provider is required" },
		{ "{\"provider\": \"\"}",
		    "invalid integration record: provider is required" },
		{ "{\"integration_id\": \"x-bad\"}",
		    "invalid integration record: provider is required" },
		{ "{\"provider\": 5}",
		    "invalid integration record: provider must be a string" },
		{ "{\"provider\": \"p\", \"environment\": [1]}",
		    "invalid integration record: environment must be a "
		    "string" },
		{ "{\"provider\": \"!!!\", \"environment\": \"???\"}",
		    "invalid integration record: integration_id is required" },
		{ "{\"provider\": \"p\", \"category\": \"crm\"}",
		    "invalid integration record: category must be one of" },
		{ "{\"provider\": \"p\", \"status\": \"on\"}",
		    "invalid integration record: status must be one of" },
		{ "{\"provider\": \"p\", \"health_status\": \"ok\"}",
		    "invalid integration record: health_status must be one "
		    "of" },
		{ "{\"provider\": \"p\", \"tenant_id\": {\"a\": 1}}",
		    "invalid integration record: tenant_id must be a string" },
		{ "{\"provider\": \"p\", \"repositories\": [{}]}",
		    "invalid integration record: repositories must be" },
	};
	struct api_resp	 r;
	size_t		 i;

	for (i = 0; i < nitems(cases); i++) {
		api_req("POST", "/integrations", cases[i].body, NULL, &r);
		flow_problem(&r, 400, cases[i].detail);
		api_free(&r);
	}
	api_req("POST", "/integrations", "[]", NULL, &r);
	api_assert_problem(&r, 422);
	api_free(&r);
}

/* Without CAVRA_CONNECTOR_CONFIG: the lookup first (404), then 400. */
API_TEST(integrations, deliver_unconfigured)
{
	struct api_resp	 r;
	char		 uid[96], body[256], path[256];

	api_uid(uid, sizeof(uid), "wh");
	snprintf(body, sizeof(body), "{\"integration_id\": \"%s\", "
	    "\"provider\": \"webhook\"}", uid);
	upsert(body, &r);
	api_free(&r);
	snprintf(path, sizeof(path), "/integrations/%s/deliver", uid);
	api_req("POST", path, "{}", NULL, &r);
	flow_problem(&r, 400, "connector config is not configured");
	api_free(&r);
	snprintf(path, sizeof(path), "/integrations/none-%s/deliver", uid);
	api_req("POST", path, "{}", NULL, &r);
	flow_problem(&r, 404, "integration not found");
	api_free(&r);
	snprintf(path, sizeof(path), "/integrations/%s/deliver", uid);
	api_req("POST", path, "[1]", NULL, &r);
	api_assert_problem(&r, 422);
	api_free(&r);
}

/* The connector config of the stack, on the receivers' ports. */
static void
config_text(char *text, size_t len, long fast, long slow, long flaky,
    int dead)
{
	snprintf(text, len, "connectors:\n"
	    "  webhook:\n"
	    "    url: http://127.0.0.1:%d/cavra?token=DEADQUERYSECRET\n"
	    "  linux:\n"
	    "    url: http://127.0.0.1:%ld/linux?sig=LINUXQUERYSECRET\n"
	    "    headers:\n"
	    "      X-Api-Key: LINUXKEYSECRET\n"
	    "  slack:\n"
	    "    url: http://127.0.0.1:%ld/hooks.slack.com/services/T0/B0/"
	    "SLACKPATHSECRET\n"
	    "  jira:\n"
	    "    url: http://127.0.0.1:%ld/jira/rest/api/2/issue\n"
	    "    token_env: CAVRA_TEST_JIRA_TOKEN\n"
	    "  splunk:\n"
	    "    url: http://127.0.0.1:%ld/splunk\n"
	    "    authorization: Splunk SPLUNKAUTHSECRET\n"
	    "  teams:\n"
	    "    url: http://127.0.0.1:%ld/teams?code=TEAMSQUERYSECRET\n"
	    "  servicenow:\n"
	    "    url: http://127.0.0.1:1/never\n"
	    "    enabled: false\n"
	    "  pagerduty:\n"
	    "    url: not read\n",
	    dead, fast, fast, fast, flaky, slow);
}

/* Starts the receivers and the stack once, before any test. */
ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	char		 args[32], text[4096];
	const char	*files[] = { "CAVRA_CONNECTOR_CONFIG",
	    "connectors.yaml",
	    text, NULL };
	long		 fast, slow, flaky;

	(void)set;
	extra_init("test_integrations");
	fast = extra_recv("fast", "");
	snprintf(args, sizeof(args), "-d %d", SLOW_MS);
	slow = extra_recv("slow", args);
	flaky = extra_recv("flaky", "-s 500,200");
	if (fast < 0 || slow < 0 || flaky < 0) {
		fprintf(stderr, "http-recv did not start: see %s/recv\n",
		    extra_dir());
		return;
	}
	config_text(text, sizeof(text), fast, slow, flaky, extra_dead_port());
	setenv("CAVRA_TEST_JIRA_TOKEN", "JIRATOKENSECRET", 1);
	setenv("CAVRA_WORKERS", "1", 1);
	extra_stack("conn", files);
	unsetenv("CAVRA_TEST_JIRA_TOKEN");
	unsetenv("CAVRA_WORKERS");
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	extra_stop_all();
}

/* An integration of provider prov (unique id, into id); answer freed. */
static void
make_integration(const char *prov, char *id, size_t idlen)
{
	struct api_resp	 r;
	char		 body[512];

	api_uid(id, idlen, prov);
	snprintf(body, sizeof(body), "{\"integration_id\": \"%s\", "
	    "\"provider\": \"%s\", \"category\": \"siem\"}", id, prov);
	upsert(body, &r);
	api_free(&r);
}

/* POST /integrations/ID/deliver with body; the answer in *r, checked
 * for secrets. */
static void
deliver(const char *id, const char *body, struct api_resp *r)
{
	char	 path[512];

	snprintf(path, sizeof(path), "/integrations/%s/deliver", id);
	api_req("POST", path, body, NULL, r);
	assert_no_secret("the answer", r->body);
}

/* How many requests with marker in their body receiver `name` got. */
static int
received_count(const char *name, const char *marker)
{
	char	*log;
	int	 n;

	log = extra_recv_log(name);
	n = flow_count(log, marker);
	free(log);
	return n;
}

/* Asserts that no log of the run directory (responders, nginx) holds a
 * secret. */
static void
assert_logs_clean(void)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[1200], *text;
	size_t		 len;
	int		 n = 0;

	cr_assert_not_null(d = opendir(extra_run("conn")), "%s",
	    extra_run("conn"));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 4 || strcmp(de->d_name + len - 4, ".log") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", extra_run("conn"),
		    de->d_name);
		cr_assert_not_null(text = flow_read_file(path), "%s", path);
		assert_no_secret(path, text);
		free(text);
		n++;
	}
	closedir(d);
	cr_assert_geq(n, 2, "no logs in %s", extra_run("conn"));
}

/* record-contracts.md 14 item 11: a webhook on a dead port, retries 0:
 * 200 all the same, the URL's query string redacted. */
Test(integrations_conn, deliver_to_dead_webhook)
{
	struct api_resp		 r;
	struct json_object	*d;
	char			 id[128];
	size_t			 n;

	extra_use("conn", "json");
	make_integration("webhook", id, sizeof(id));
	deliver(id, "{\"provider\": \"webhook\", \"retries\": 0}", &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.connector.delivery.v1");
	cr_assert_str_eq(api_str(r.json, "product"), "CAVRA");
	cr_assert_str_eq(api_str(r.json, "event_type"),
	    "cavra.integration.delivery");
	cr_assert_str_eq(api_str(r.json, "event_id"),
	    "cavra.integration.delivery");
	cr_assert(!json_object_get_boolean(api_get(r.json, "success")));
	cr_assert_eq(json_object_array_length(api_get(r.json, "deliveries")),
	    1);
	d = json_object_array_get_idx(api_get(r.json, "deliveries"), 0);
	cr_assert_str_eq(api_str(d, "provider"), "webhook");
	cr_assert_eq(api_int(d, "status_code"), 0);
	cr_assert_eq(api_int(d, "attempt_count"), 1);
	cr_assert_str_eq(api_str(d, "error"), "connector endpoint unreachable");
	n = strlen(api_str(api_get(d, "request"), "url"));
	cr_assert(n > 9 && strcmp(api_str(api_get(d, "request"), "url") + n -
	    9, "?REDACTED") == 0, "%s", r.body);
	api_free(&r);
	assert_logs_clean();
}

/* The default provider is the integration's; the event is the body's
 * `event` over the integration's base, the caller's keys winning. */
Test(integrations_conn, deliver_default_provider)
{
	struct api_resp		 r;
	struct json_object	*b, *p, *d;
	char			 id[128], marker[128], body[1024], *head, *rb;

	extra_use("conn", "json");
	make_integration("linux", id, sizeof(id));
	api_uid(marker, sizeof(marker), "sess");
	snprintf(body, sizeof(body), "{\"retries\": 0, \"event\": "
	    "{\"session_id\": \"%s\", \"event_type\": \"custom.event\", "
	    "\"blocked_count\": 2}}", marker);
	deliver(id, body, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert(json_object_get_boolean(api_get(r.json, "success")), "%s",
	    r.body);
	cr_assert_str_eq(api_str(r.json, "event_id"), marker);
	cr_assert_str_eq(api_str(r.json, "session_id"), marker);
	cr_assert_str_eq(api_str(r.json, "event_type"), "custom.event");
	cr_assert_eq(json_object_array_length(api_get(r.json, "deliveries")),
	    1);
	d = flow_delivery(&r, "linux");
	cr_assert_eq(api_int(d, "status_code"), 200);
	cr_assert_str_eq(api_str(api_get(api_get(d, "request"), "headers"),
	    "x-api-key"), "REDACTED");
	api_free(&r);

	extra_request("fast", NULL, marker, "/linux", &head, &rb);
	cr_assert_not_null(strstr(head, "LINUXKEYSECRET"), "%s", head);
	cr_assert_not_null(strstr(head, "sig=LINUXQUERYSECRET"), "%s", head);
	cr_assert_not_null(b = json_tokener_parse(rb), "%s", rb);
	cr_assert_str_eq(api_str(b, "schema_version"),
	    "cavra.webhook.evidence.v1");
	cr_assert_str_eq(api_str(b, "event_type"), "custom.event");
	p = api_get(b, "payload");
	cr_assert_str_eq(api_str(p, "integration_id"), id);
	cr_assert_str_eq(api_str(p, "integration_provider"), "linux");
	cr_assert_str_eq(api_str(p, "integration_category"), "siem");
	cr_assert_str_eq(api_str(p, "product"), "CAVRA");
	cr_assert_eq(api_int(p, "blocked_count"), 2);
	json_object_put(b);
	free(head);
	free(rb);

	/* Without `event`, the whole body is the event. */
	api_uid(marker, sizeof(marker), "whole");
	snprintf(body, sizeof(body), "{\"retries\": 0, \"request_id\": "
	    "\"%s\"}", marker);
	deliver(id, body, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "event_id"), marker);
	api_free(&r);
	extra_request("fast", NULL, marker, "/linux", &head, &rb);
	cr_assert_not_null(b = json_tokener_parse(rb), "%s", rb);
	cr_assert_eq(api_int(api_get(b, "payload"), "retries"), 0);
	json_object_put(b);
	free(head);
	free(rb);
	assert_logs_clean();
}

/* A list of providers, each with its body and credentials. */
Test(integrations_conn, deliver_list)
{
	struct api_resp		 r;
	struct json_object	*b, *dl;
	char			 id[128], marker[128], body[1024], *head, *rb;

	extra_use("conn", "json");
	make_integration("splunk", id, sizeof(id));
	api_uid(marker, sizeof(marker), "list");
	snprintf(body, sizeof(body), "{\"provider\": \" slack,jira \", "
	    "\"retries\": 0, \"event\": {\"session_id\": \"%s\", "
	    "\"max_severity\": \"critical\"}}", marker);
	deliver(id, body, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert(json_object_get_boolean(api_get(r.json, "success")), "%s",
	    r.body);
	dl = api_get(r.json, "deliveries");
	cr_assert_eq(json_object_array_length(dl), 2);
	cr_assert_str_eq(api_str(json_object_array_get_idx(dl, 0),
	    "provider"), "jira");
	cr_assert_str_eq(api_str(json_object_array_get_idx(dl, 1),
	    "provider"), "slack");
	cr_assert_str_eq(api_str(api_get(flow_delivery(&r, "slack"), "request"),
	    "url"), "https://hooks.slack.com/services/REDACTED");
	cr_assert_str_eq(api_str(api_get(api_get(flow_delivery(&r, "jira"),
	    "request"), "headers"), "authorization"), "REDACTED");
	api_free(&r);

	extra_request("fast", NULL, marker, "/jira/", &head, &rb);
	cr_assert_not_null(strstr(head, "Bearer JIRATOKENSECRET"), "%s", head);
	cr_assert_not_null(b = json_tokener_parse(rb), "%s", rb);
	cr_assert_str_eq(api_str(api_get(b, "fields"), "summary"),
	    "CAVRA cavra.integration.delivery");
	cr_assert_str_eq(json_object_to_json_string_ext(api_get(api_get(b,
	    "fields"), "labels"), JSON_C_TO_STRING_PLAIN), "[\"cavra\","
	    "\"ai-agent-governance\",\"cavra-integration-delivery\"]");
	json_object_put(b);
	free(head);
	free(rb);
	extra_request("fast", NULL, marker, "/hooks.slack.com/services/",
	    &head, &rb);
	cr_assert_not_null(b = json_tokener_parse(rb), "%s", rb);
	cr_assert_str_eq(api_str(b, "text"),
	    "CAVRA cavra.integration.delivery");
	json_object_put(b);
	free(head);
	free(rb);
	assert_logs_clean();
}

/* A receiver answering 500, then 200: the retry is counted. */
Test(integrations_conn, deliver_retry_counted)
{
	struct api_resp		 r;
	struct json_object	*d;
	char			 id[128], marker[128], body[512];

	extra_use("conn", "json");
	make_integration("splunk", id, sizeof(id));
	api_uid(marker, sizeof(marker), "retry");
	snprintf(body, sizeof(body), "{\"retries\": 1, \"event\": "
	    "{\"session_id\": \"%s\", \"timestamp\": "
	    "\"2026-05-01T10:00:00Z\"}}", marker);
	deliver(id, body, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	d = flow_delivery(&r, "splunk");
	cr_assert(json_object_get_boolean(api_get(d, "success")), "%s",
	    r.body);
	cr_assert_eq(api_int(d, "attempt_count"), 2);
	cr_assert_eq(api_int(d, "status_code"), 200);
	cr_assert_eq(received_count("flaky", marker), 2);
	api_free(&r);
	assert_logs_clean();
}

struct slow_call {
	char		 id[128];
	char		 body[512];
	struct api_resp	 r;
	long		 ms;
};

static void *
slow_deliver(void *arg)
{
	struct slow_call	*c = arg;
	long			 t0 = flow_now_ms();

	deliver(c->id, c->body, &c->r);
	c->ms = flow_now_ms() - t0;
	return NULL;
}

/*
 * A receiver answering after SLOW_MS: with a longer timeout the delivery
 * waits for it, and meanwhile, with one worker process, the list answers
 * within FAST_MS (the delivery waits in a request thread of its own);
 * with a shorter one the attempt is cut at the timeout.
 */
Test(integrations_conn, slow_receiver, .timeout = 60)
{
	struct slow_call	 c;
	struct api_resp		 r;
	struct json_object	*d;
	pthread_t		 t;
	char			 marker[128], *head, *rb;
	long			 t0, ms;

	extra_use("conn", "json");
	memset(&c, 0, sizeof(c));
	make_integration("teams", c.id, sizeof(c.id));
	api_uid(marker, sizeof(marker), "slow");
	snprintf(c.body, sizeof(c.body), "{\"retries\": 0, "
	    "\"timeout_seconds\": 10, \"event\": {\"session_id\": \"%s\"}}",
	    marker);
	cr_assert_eq(pthread_create(&t, NULL, slow_deliver, &c), 0);
	extra_request("slow", NULL, marker, "/teams", &head, &rb);
	free(head);
	free(rb);
	t0 = flow_now_ms();
	api_req("GET", "/integrations?provider=teams", NULL, NULL, &r);
	ms = flow_now_ms() - t0;
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
	cr_assert_lt(ms, FAST_MS, "GET /integrations took %ld ms while a "
	    "delivery waited", ms);
	cr_assert_eq(pthread_join(t, NULL), 0);
	cr_assert_eq(c.r.status, 200, "%s", c.r.body);
	cr_assert_geq(c.ms, SLOW_MS - 100);
	cr_assert(json_object_get_boolean(api_get(c.r.json, "success")), "%s",
	    c.r.body);
	api_free(&c.r);

	/* Cut at 0.5 s: unreachable, well before the receiver answers. */
	api_uid(marker, sizeof(marker), "cut");
	snprintf(c.body, sizeof(c.body), "{\"retries\": 0, "
	    "\"timeout_seconds\": 0.5, \"event\": {\"session_id\": \"%s\"}}",
	    marker);
	t0 = flow_now_ms();
	deliver(c.id, c.body, &r);
	ms = flow_now_ms() - t0;
	cr_assert_eq(r.status, 200, "%s", r.body);
	d = flow_delivery(&r, "teams");
	cr_assert_eq(api_int(d, "status_code"), 0);
	cr_assert_str_eq(api_str(d, "error"), "connector endpoint unreachable");
	cr_assert_lt(ms, SLOW_MS - 1000, "took %ld ms", ms);
	api_free(&r);
	assert_logs_clean();
}

/* What is refused, and before anything is sent. */
Test(integrations_conn, deliver_errors)
{
	struct api_resp	 r;
	char		 id[128];

	extra_use("conn", "json");
	make_integration("github", id, sizeof(id));
	deliver(id, "{}", &r);
	flow_problem(&r, 400, "connector provider is not configured: "
	    "github");
	api_free(&r);
	deliver(id, "{\"provider\": \"pagerduty,servicenow,slack\"}", &r);
	flow_problem(&r, 400, "connector provider is not configured: "
	    "pagerduty, servicenow");
	api_free(&r);
	deliver(id, "{\"provider\": 5}", &r);
	flow_problem(&r, 400, "provider must be a string");
	api_free(&r);
	deliver(id, "{\"provider\": \"slack\", \"retries\": \"2\"}", &r);
	flow_problem(&r, 400, "retries must be an integer");
	api_free(&r);
	deliver(id, "{\"provider\": \"slack\", \"timeout_seconds\": \"x\"}",
	    &r);
	flow_problem(&r, 400, "timeout_seconds must be a number");
	api_free(&r);
	deliver(id, "{\"provider\": \"splunk\", \"event\": {\"timestamp\": "
	    "\"not a time\"}}", &r);
	flow_problem(&r, 400, "ISO 8601");
	api_free(&r);
	deliver("none-such-integration", "{\"provider\": \"slack\"}", &r);
	flow_problem(&r, 404, "integration not found");
	api_free(&r);
}

/* A broken entry stops the responder at start: one line naming the
 * problem (no secret in it), exit status 78. */
Test(integrations_conn, broken_config_exits_78)
{
	char	 cmd[4096], conf[1200], err[1300], *text;
	int	 status;

	snprintf(conf, sizeof(conf), "%s/broken-%ld.json", extra_dir(),
	    (long)getpid());
	extra_write(conf, "{\"webhook\": {\"url\": \"http://127.0.0.1:1/"
	    "?token=DEADQUERYSECRET\"}, \"jira\": {\"url\": "
	    "\"http://127.0.0.1:1/j\", \"headers\": {\"x-other\": "
	    "\"JIRATOKENSECRET\"}}}");
	snprintf(err, sizeof(err), "%s.err", conf);
	/* A responder that starts all the same is stopped after 10 s. */
	snprintf(cmd, sizeof(cmd), "CAVRA_CONNECTOR_CONFIG='%s' timeout 10 "
	    "'%s/fcgi/cavra-integrations' -s '%s.sock' 2>'%s'", conf,
	    BUILDDIR, conf, err);
	status = system(cmd);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 78,
	    "status %d", status);
	cr_assert_not_null(text = flow_read_file(err));
	cr_assert_not_null(strstr(text, "CAVRA_CONNECTOR_CONFIG"), "%s", text);
	cr_assert_not_null(strstr(text, "connector jira must configure "
	    "token_env, authorization_env, api_key_env, or authorization "
	    "header"), "%s", text);
	assert_no_secret(err, text);
	free(text);
}
