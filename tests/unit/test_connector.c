/*
 * Unit tests of the connectors (cv_connector.h) against tests/http-recv,
 * receivers on loopback started per test: the config checks at start,
 * every provider's request body and headers as the receiver got them,
 * provider selection, the delivery record, retries counted, timeouts
 * honoured, and no secret of the config in the delivery record.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "cavra.h"
#include "cv_connector.h"
#include "recv.h"
#include "tmpdir.h"

#define LOG_MAX		(1024 * 1024)

static char		 tmpdir[1024];
static struct cv_arena	 arena;
static struct recv_set	 rs;

/* Every secret the full config holds: none may show in a record. */
static const char *const secrets[] = {
	"SPLUNKTOKSECRET", "SENTINELAUTHSECRET", "DDKEYSECRET",
	"GITHUBTOKSECRET", "GITLABKEYSECRET", "AZUREAUTHSECRET",
	"ACTIONSTOKSECRET", "JENKINSAUTHSECRET", "JIRATOKSECRET",
	"SNOWKEYSECRET", "SLACKPATHSECRET", "TEAMSQUERYSECRET",
	"HOOKQUERYSECRET", "JAMFQUERYSECRET", "USERINFOSECRET", NULL
};

static void
setup(void)
{
	tmpdir_make(tmpdir, sizeof(tmpdir), "connector");
	cv_arena_init(&arena);
	unsetenv(CV_CONNECTOR_ENV);
}

static void
teardown(void)
{
	recv_stop_all(&rs);
	cv_connector_fini();
	cv_arena_free(&arena);
	tmpdir_remove(tmpdir);
}

TestSuite(connector, .init = setup, .fini = teardown, .timeout = 60);

/* Starts BUILDDIR/tests/http-recv with up to two extra arguments and
 * waits for its port file. */
/* Starts a receiver with up to two extra arguments (the first NULL
 * ends them). */
static struct recv *
recv_start(const char *a1, const char *a2)
{
	const char	*args[3] = { a1, a2, NULL };

	return recv_run(&rs, tmpdir, a1 == NULL ? NULL : args);
}

static const char *
read_text(const char *path)
{
	char	*buf;
	FILE	*f;
	size_t	 n;

	buf = cv_arena_alloc(&arena, LOG_MAX);
	if ((f = fopen(path, "r")) == NULL)
		return "";
	n = fread(buf, 1, LOG_MAX - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* Requests the receiver logged: one request line each. */
static int
recv_count(const struct recv *r)
{
	const char	*p = read_text(r->log);
	int		 n = 0;

	while ((p = strstr(p, " HTTP/1.1\n")) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* The head (request line and headers) of the first request to path
 * (arena), failing the test when there is none. */
static const char *
recv_head(const struct recv *r, const char *path)
{
	const char	*log, *p, *e;
	char		*line;

	log = read_text(r->log);
	line = cv_arena_printf(&arena, " %s HTTP/1.1\n", path);
	p = strstr(log, line);
	cr_assert_not_null(p, "no request to %s in:\n%s", path, log);
	while (p > log && p[-1] != '\n')
		p--;
	e = strstr(p, "\n\n");
	cr_assert_not_null(e);
	return cv_arena_strndup(&arena, p, (size_t)(e - p) + 1);
}

/* The body of the first request to path, parsed (new reference). */
static struct json_object *
recv_body(const struct recv *r, const char *path)
{
	struct json_object	*o;
	const char		*log, *p, *e;
	char			*line;

	log = read_text(r->log);
	line = cv_arena_printf(&arena, " %s HTTP/1.1\n", path);
	p = strstr(log, line);
	cr_assert_not_null(p, "no request to %s in:\n%s", path, log);
	p = strstr(p, "\n\n");
	cr_assert_not_null(p);
	p += 2;
	e = strchr(p, '\n');
	cr_assert_not_null(e);
	o = json_tokener_parse(cv_arena_strndup(&arena, p, (size_t)(e - p)));
	cr_assert_not_null(o, "body to %s is not JSON", path);
	return o;
}

/*
 * Writes text to a config file (name gives its kind: .json or .yaml),
 * points CAVRA_CONNECTOR_CONFIG at it and runs cv_connector_init() with
 * stderr going to a file.  Returns its result; *log (when not NULL) is
 * what it logged.
 */
static enum cv_err
init_with(const char *name, const char *text, const char **log)
{
	char		 path[1200], logpath[1200];
	FILE		*f;
	int		 saved, fd;
	enum cv_err	 rc;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
	setenv(CV_CONNECTOR_ENV, path, 1);
	snprintf(logpath, sizeof(logpath), "%s/init.log", tmpdir);
	fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_neq(fd, -1);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	rc = cv_connector_init();
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	if (log != NULL)
		*log = read_text(logpath);
	return rc;
}

/* JSON text parsed (new reference; NULL for null). */
static struct json_object *
parse(const char *text)
{
	enum json_tokener_error	 e;
	struct json_object	*o;

	o = json_tokener_parse_verbose(text, &e);
	cr_assert_eq(e, json_tokener_success, "bad test JSON: %s", text);
	return o;
}

/* Delivers event (JSON text) to `which`; the record, or NULL with the
 * error in err. */
static struct json_object *
deliver(const char *event, const char *which, int retries, double timeout,
    char *err, size_t errlen)
{
	struct json_object	*ev, *out = NULL;

	ev = parse(event);
	err[0] = '\0';
	if (cv_connector_deliver(&arena, ev, which, retries, timeout, &out,
	    err, errlen) != CV_OK)
		out = NULL;
	json_object_put(ev);
	return out;
}

static struct json_object *
member(struct json_object *o, const char *key)
{
	struct json_object	*v;

	cr_assert(json_object_object_get_ex(o, key, &v), "no %s in %s", key,
	    json_object_to_json_string(o));
	return v;
}

static const char *
str_of(struct json_object *o, const char *key)
{
	struct json_object	*v = member(o, key);

	cr_assert(json_object_is_type(v, json_type_string), "%s is not a "
	    "string in %s", key, json_object_to_json_string(o));
	return json_object_get_string(v);
}

static struct json_object *
idx(struct json_object *a, size_t i)
{
	cr_assert(json_object_is_type(a, json_type_array));
	cr_assert_lt(i, json_object_array_length(a));
	return json_object_array_get_idx(a, i);
}

/* Asserts that o's member key equals JSON text want. */
static void
assert_member(struct json_object *o, const char *key, const char *want)
{
	struct json_object	*w = parse(want);

	cr_assert(json_object_equal(member(o, key), w), "%s is %s, want %s",
	    key, json_object_to_json_string(member(o, key)), want);
	json_object_put(w);
}

/* The delivery of provider p in record rec. */
static struct json_object *
delivery(struct json_object *rec, const char *p)
{
	struct json_object	*dl = member(rec, "deliveries"), *d;
	size_t			 i;

	for (i = 0; i < json_object_array_length(dl); i++) {
		d = json_object_array_get_idx(dl, i);
		if (strcmp(str_of(d, "provider"), p) == 0)
			return d;
	}
	cr_assert_fail("no delivery of %s", p);
	return NULL;
}

static const char event_text[] = "{\"event_type\":\"cavra.evidence_bundle\","
    "\"product\":\"CAVRA\",\"session_id\":\"sess-1\",\"decision_count\":3,"
    "\"blocked_count\":1,\"approval_required_count\":1,\"max_severity\":"
    "\"High\",\"timestamp\":\"2026-05-01T10:00:00.5+00:00\"}";

/* The config with all sixteen providers on receiver r, each on a path
 * of its name, with a secret each. */
static const char *
full_config(const struct recv *r)
{
	int	 p = r->port;

	return cv_arena_printf(&arena, "{\"connectors\": {"
	    "\"splunk\": {\"url\": \"http://127.0.0.1:%d/splunk\", "
	    "\"token_env\": \"CAVRA_TEST_SPLUNK_TOKEN\", \"index\": "
	    "\"idx-test\"},"
	    "\"sentinel\": {\"url\": \"http://127.0.0.1:%d/sentinel\", "
	    "\"authorization\": \"SharedKey SENTINELAUTHSECRET\"},"
	    "\"datadog\": {\"url\": \"http://127.0.0.1:%d/datadog\", "
	    "\"api_key\": \"DDKEYSECRET\", \"api_key_header\": "
	    "\"DD-API-KEY\", \"service\": \"svc-test\"},"
	    "\"github\": {\"url\": \"http://127.0.0.1:%d/github\", "
	    "\"token\": \"GITHUBTOKSECRET\"},"
	    "\"gitlab\": {\"url\": \"http://127.0.0.1:%d/gitlab\", "
	    "\"api_key\": \"GITLABKEYSECRET\", \"ref\": \"release\"},"
	    "\"azure_repos\": {\"url\": \"http://127.0.0.1:%d/azure_repos\", "
	    "\"authorization_env\": \"CAVRA_TEST_AZURE_AUTH\"},"
	    "\"github_actions\": {\"url\": "
	    "\"http://127.0.0.1:%d/github_actions\", \"token\": "
	    "\"ACTIONSTOKSECRET\", \"authorization_scheme\": \"token\"},"
	    "\"jenkins\": {\"url\": \"http://127.0.0.1:%d/jenkins\", "
	    "\"headers\": {\"Authorization\": \"Basic JENKINSAUTHSECRET\"}},"
	    "\"jira\": {\"url\": \"http://127.0.0.1:%d/jira\", \"token\": "
	    "\"JIRATOKSECRET\", \"title\": \"Custom Title\"},"
	    "\"servicenow\": {\"url\": \"http://127.0.0.1:%d/servicenow\", "
	    "\"api_key_env\": \"CAVRA_TEST_SNOW_KEY\", \"api_key_header\": "
	    "\"X-SN-Key\"},"
	    "\"slack\": {\"url\": \"http://127.0.0.1:%d/hooks.slack.com/"
	    "services/T0/B0/SLACKPATHSECRET\"},"
	    "\"teams\": {\"url\": \"http://127.0.0.1:%d/teams?code="
	    "TEAMSQUERYSECRET\"},"
	    "\"webhook\": {\"url\": \"http://hook:USERINFOSECRET@127.0.0.1:%d/"
	    "webhook?sig=HOOKQUERYSECRET\", \"method\": \"put\"},"
	    "\"jamf\": {\"url\": \"http://127.0.0.1:%d/jamf?k=JAMFQUERYSECRET\""
	    "},"
	    "\"intune\": {\"url\": \"http://127.0.0.1:%d/intune\"},"
	    "\"linux\": {\"url\": \"http://127.0.0.1:%d/linux\"},"
	    "\"not_a_provider\": {\"url\": \"not even a url\"}}}",
	    p, p, p, p, p, p, p, p, p, p, p, p, p, p, p, p);
}

static void
full_env(void)
{
	setenv("CAVRA_TEST_SPLUNK_TOKEN", "SPLUNKTOKSECRET", 1);
	setenv("CAVRA_TEST_AZURE_AUTH", "Basic AZUREAUTHSECRET", 1);
	setenv("CAVRA_TEST_SNOW_KEY", "SNOWKEYSECRET", 1);
}

/* The summary every CI and repository body carries for event_text. */
static void
assert_summary(struct json_object *s)
{
	assert_member(s, "product", "\"CAVRA\"");
	assert_member(s, "event_type", "\"cavra.evidence_bundle\"");
	assert_member(s, "event_id", "\"sess-1\"");
	assert_member(s, "session_id", "\"sess-1\"");
	assert_member(s, "decision_count", "3");
	assert_member(s, "blocked_count", "1");
	assert_member(s, "approval_required_count", "1");
	assert_member(s, "max_severity", "\"High\"");
}

/* The CI variables of event_text with prefix P. */
#define CI_VARS(P)							\
	"{\"" P "_EVENT_TYPE\":\"cavra.evidence_bundle\",\""		\
	P "_EVENT_ID\":\"sess-1\",\"" P "_SESSION_ID\":\"sess-1\",\""	\
	P "_BLOCKED_COUNT\":\"1\",\"" P "_MAX_SEVERITY\":\"High\"}"

Test(connector, every_provider_gets_its_body)
{
	struct json_object	*rec, *ev, *b, *o, *d;
	struct recv		*r = recv_start(NULL, NULL);
	const char *const	*pp;
	const char		*head;
	char			 err[512], path[64];
	size_t			 i;

	full_env();
	cr_assert_eq(init_with("c.json", full_config(r), NULL), CV_OK);
	rec = deliver(event_text, "all", 0, 5, err, sizeof(err));
	cr_assert_not_null(rec, "%s", err);
	cr_assert_eq(recv_count(r), 16);
	ev = parse(event_text);

	/* Deliveries in name order, one per provider, all answered. */
	d = member(rec, "deliveries");
	cr_assert_eq(json_object_array_length(d), 16);
	for (pp = cv_connector_providers, i = 0; *pp != NULL; pp++, i++) {
		cr_assert_str_eq(str_of(idx(d, i), "provider"), *pp);
		assert_member(idx(d, i), "success", "true");
		assert_member(idx(d, i), "status_code", "200");
		assert_member(idx(d, i), "attempt_count", "1");
		assert_member(idx(d, i), "error", "null");
	}
	assert_member(rec, "success", "true");

	b = recv_body(r, "/splunk");
	assert_member(b, "time", "1777629600.5");
	assert_member(b, "host", "\"cavra\"");
	assert_member(b, "source", "\"cavra:evidence\"");
	assert_member(b, "sourcetype", "\"cavra:evidence:json\"");
	assert_member(b, "index", "\"idx-test\"");
	cr_assert(json_object_equal(member(b, "event"), ev));
	json_object_put(b);
	head = recv_head(r, "/splunk");
	cr_assert_not_null(strstr(head, "\nauthorization: Bearer "
	    "SPLUNKTOKSECRET\n"), "%s", head);

	b = recv_body(r, "/sentinel");
	o = idx(member(b, "records"), 0);
	assert_member(o, "TimeGenerated", "\"2026-05-01T10:00:00.5+00:00\"");
	assert_member(o, "SourceSystem", "\"CAVRA\"");
	assert_member(o, "EventName", "\"cavra.evidence_bundle\"");
	assert_member(o, "ProductName", "\"CAVRA\"");
	assert_member(o, "SessionId", "\"sess-1\"");
	assert_member(o, "DecisionCount", "3");
	assert_member(o, "BlockedCount", "1");
	assert_member(o, "ApprovalRequiredCount", "1");
	assert_member(o, "Severity", "\"High\"");
	cr_assert(json_object_equal(member(o, "RawEvent"), ev));
	json_object_put(b);
	cr_assert_not_null(strstr(recv_head(r, "/sentinel"),
	    "\nauthorization: SharedKey SENTINELAUTHSECRET\n"));

	b = recv_body(r, "/datadog");
	o = idx(member(b, "events"), 0);
	assert_member(o, "ddsource", "\"cavra\"");
	assert_member(o, "service", "\"svc-test\"");
	assert_member(o, "status", "\"error\"");
	assert_member(o, "message", "\"CAVRA evidence bundle sess-1 recorded "
	    "3 decisions, 1 blocked, 1 approval-required.\"");
	assert_member(o, "tags", "[\"product:cavra\",\"session_id:sess-1\","
	    "\"max_severity:High\"]");
	cr_assert(json_object_equal(member(o, "attributes"), ev));
	json_object_put(b);
	cr_assert_not_null(strstr(recv_head(r, "/datadog"),
	    "\ndd-api-key: DDKEYSECRET\n"));

	b = recv_body(r, "/github");
	assert_member(b, "event_type", "\"cavra_runtime_event\"");
	assert_summary(member(b, "client_payload"));
	json_object_put(b);
	cr_assert_not_null(strstr(recv_head(r, "/github"),
	    "\nauthorization: Bearer GITHUBTOKSECRET\n"));

	b = recv_body(r, "/gitlab");
	assert_member(b, "ref", "\"release\"");
	assert_member(b, "variables", CI_VARS("CAVRA"));
	json_object_put(b);
	cr_assert_not_null(strstr(recv_head(r, "/gitlab"),
	    "\nx-api-key: GITLABKEYSECRET\n"));

	b = recv_body(r, "/azure_repos");
	assert_member(b, "eventType", "\"cavra.evidence_bundle\"");
	assert_member(b, "publisherId", "\"cavra\"");
	assert_summary(member(b, "resource"));
	json_object_put(b);
	cr_assert_not_null(strstr(recv_head(r, "/azure_repos"),
	    "\nauthorization: Basic AZUREAUTHSECRET\n"));

	b = recv_body(r, "/github_actions");
	assert_member(b, "ref", "\"main\"");
	assert_member(b, "inputs", CI_VARS("cavra"));
	json_object_put(b);
	cr_assert_not_null(strstr(recv_head(r, "/github_actions"),
	    "\nauthorization: token ACTIONSTOKSECRET\n"));

	b = recv_body(r, "/jenkins");
	assert_member(b, "parameters", "[{\"name\":\"CAVRA_EVENT_TYPE\","
	    "\"value\":\"cavra.evidence_bundle\"},{\"name\":"
	    "\"CAVRA_EVENT_ID\",\"value\":\"sess-1\"},{\"name\":"
	    "\"CAVRA_SESSION_ID\",\"value\":\"sess-1\"},{\"name\":"
	    "\"CAVRA_BLOCKED_COUNT\",\"value\":\"1\"},{\"name\":"
	    "\"CAVRA_MAX_SEVERITY\",\"value\":\"High\"}]");
	json_object_put(b);
	cr_assert_not_null(strstr(recv_head(r, "/jenkins"),
	    "\nauthorization: Basic JENKINSAUTHSECRET\n"));

	b = recv_body(r, "/jira");
	o = member(b, "fields");
	assert_member(o, "summary", "\"Custom Title\"");
	assert_member(o, "labels", "[\"cavra\",\"ai-agent-governance\","
	    "\"cavra-evidence_bundle\"]");
	d = parse(str_of(o, "description"));
	cr_assert(json_object_equal(d, ev), "jira description: %s",
	    str_of(o, "description"));
	cr_assert_not_null(strstr(str_of(o, "description"), "\n  "),
	    "not indented");
	json_object_put(d);
	json_object_put(b);
	cr_assert_not_null(strstr(recv_head(r, "/jira"),
	    "\nauthorization: Bearer JIRATOKSECRET\n"));

	b = recv_body(r, "/servicenow");
	assert_member(b, "short_description", "\"CAVRA "
	    "cavra.evidence_bundle\"");
	assert_member(b, "category", "\"software\"");
	assert_member(b, "correlation_id", "\"sess-1\"");
	d = parse(str_of(b, "description"));
	cr_assert(json_object_equal(d, ev));
	json_object_put(d);
	json_object_put(b);
	cr_assert_not_null(strstr(recv_head(r, "/servicenow"),
	    "\nx-sn-key: SNOWKEYSECRET\n"));

	b = recv_body(r, "/hooks.slack.com/services/T0/B0/SLACKPATHSECRET");
	assert_member(b, "text", "\"CAVRA cavra.evidence_bundle\"");
	assert_member(b, "blocks", "[{\"type\":\"header\",\"text\":{\"type\":"
	    "\"plain_text\",\"text\":\"CAVRA cavra.evidence_bundle\"}},"
	    "{\"type\":\"section\",\"fields\":[{\"type\":\"mrkdwn\","
	    "\"text\":\"*Event:* cavra.evidence_bundle\"},{\"type\":"
	    "\"mrkdwn\",\"text\":\"*Session:* sess-1\"},{\"type\":"
	    "\"mrkdwn\",\"text\":\"*Blocked:* 1\"},{\"type\":\"mrkdwn\","
	    "\"text\":\"*Severity:* High\"}]}]");
	json_object_put(b);

	b = recv_body(r, "/teams?code=TEAMSQUERYSECRET");
	assert_member(b, "@type", "\"MessageCard\"");
	assert_member(b, "@context", "\"https://schema.org/extensions\"");
	assert_member(b, "summary", "\"CAVRA cavra.evidence_bundle\"");
	assert_member(b, "themeColor", "\"C62828\"");
	assert_member(b, "sections", "[{\"activityTitle\":\"CAVRA "
	    "cavra.evidence_bundle\",\"facts\":[{\"name\":\"Event\","
	    "\"value\":\"cavra.evidence_bundle\"},{\"name\":\"Session\","
	    "\"value\":\"sess-1\"},{\"name\":\"Blocked\",\"value\":\"1\"},"
	    "{\"name\":\"Severity\",\"value\":\"High\"}]}]");
	json_object_put(b);

	/* webhook (with its method) and the device managers. */
	cr_assert_not_null(strstr(recv_head(r, "/webhook?sig=HOOKQUERYSECRET"),
	    "PUT /webhook"));
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s", i == 0 ?
		    "/webhook?sig=HOOKQUERYSECRET" : i == 1 ?
		    "/jamf?k=JAMFQUERYSECRET" : i == 2 ? "/intune" : "/linux");
		b = recv_body(r, path);
		assert_member(b, "schema_version",
		    "\"cavra.webhook.evidence.v1\"");
		assert_member(b, "product", "\"CAVRA\"");
		assert_member(b, "event_type", "\"cavra.evidence_bundle\"");
		assert_member(b, "timestamp",
		    "\"2026-05-01T10:00:00.5+00:00\"");
		cr_assert(json_object_equal(member(b, "payload"), ev), "%s",
		    path);
		json_object_put(b);
	}
	json_object_put(ev);
	json_object_put(rec);
}

/* What the record shows of each request: method, redacted URL and
 * headers, and nothing of any secret. */
Test(connector, record_holds_no_secret)
{
	struct json_object	*rec, *req;
	struct recv		*r = recv_start(NULL, NULL);
	const char *const	*s;
	const char		*text;
	char			 err[512];

	full_env();
	cr_assert_eq(init_with("c.json", full_config(r), NULL), CV_OK);
	rec = deliver(event_text, "all", 0, 5, err, sizeof(err));
	cr_assert_not_null(rec, "%s", err);
	text = json_object_to_json_string(rec);
	for (s = secrets; *s != NULL; s++)
		cr_assert_null(strstr(text, *s), "%s in %s", *s, text);

	req = member(delivery(rec, "slack"), "request");
	assert_member(req, "url",
	    "\"https://hooks.slack.com/services/REDACTED\"");
	req = member(delivery(rec, "teams"), "request");
	assert_member(req, "url", cv_arena_printf(&arena,
	    "\"http://127.0.0.1:%d/teams?REDACTED\"", r->port));
	req = member(delivery(rec, "webhook"), "request");
	assert_member(req, "method", "\"PUT\"");
	assert_member(req, "url", cv_arena_printf(&arena,
	    "\"http://127.0.0.1:%d/webhook?REDACTED\"", r->port));
	req = member(delivery(rec, "servicenow"), "request");
	assert_member(req, "headers", "{\"x-sn-key\":\"REDACTED\","
	    "\"content-type\":\"application/json\"}");
	req = member(delivery(rec, "datadog"), "request");
	assert_member(req, "headers", "{\"dd-api-key\":\"REDACTED\","
	    "\"content-type\":\"application/json\"}");
	req = member(delivery(rec, "jenkins"), "request");
	assert_member(req, "headers", "{\"authorization\":\"REDACTED\","
	    "\"content-type\":\"application/json\"}");
	json_object_put(rec);
}

/* The record's own fields: event_id rule, session_id, success. */
Test(connector, record_fields)
{
	struct json_object	*rec;
	struct recv		*r = recv_start(NULL, NULL);
	char			 err[512];

	cr_assert_eq(init_with("c.yaml", cv_arena_printf(&arena,
	    "providers:\n  webhook:\n    url: http://127.0.0.1:%d/w\n",
	    r->port), NULL), CV_OK);
	rec = deliver("{\"execution_id\":\"ex-1\",\"approval_id\":\"a-1\","
	    "\"session_id\":\"\"}", "webhook", 0, 5, err, sizeof(err));
	cr_assert_not_null(rec, "%s", err);
	assert_member(rec, "schema_version", "\"cavra.connector.delivery.v1\"");
	assert_member(rec, "product", "\"CAVRA\"");
	assert_member(rec, "event_type", "\"cavra.connector.event\"");
	assert_member(rec, "event_id", "\"ex-1\"");
	assert_member(rec, "session_id", "\"\"");
	cr_assert_str_neq(str_of(rec, "generated_at"), "");
	assert_member(rec, "success", "true");
	json_object_put(rec);

	rec = deliver("{\"event_type\":\"x.y\"}", "webhook", 0, 5, err,
	    sizeof(err));
	assert_member(rec, "event_id", "\"x.y\"");
	assert_member(rec, "session_id", "null");
	json_object_put(rec);
	rec = deliver("{}", "webhook", 0, 5, err, sizeof(err));
	assert_member(rec, "event_id", "null");
	json_object_put(rec);

	/* An empty selection delivers to none, successfully. */
	rec = deliver("{}", " , ", 0, 5, err, sizeof(err));
	cr_assert_not_null(rec, "%s", err);
	assert_member(rec, "deliveries", "[]");
	assert_member(rec, "success", "true");
	json_object_put(rec);
	cr_assert_eq(recv_count(r), 3);
}

/* provider_payloads.<name> replaces that provider's body, only. */
Test(connector, provider_payload_overrides)
{
	struct json_object	*rec, *b;
	struct recv		*r = recv_start(NULL, NULL);
	char			 err[512];

	cr_assert_eq(init_with("c.json", cv_arena_printf(&arena,
	    "{\"webhook\": {\"url\": \"http://127.0.0.1:%d/w\"}, "
	    "\"linux\": {\"url\": \"http://127.0.0.1:%d/l\"}}", r->port,
	    r->port), NULL), CV_OK);
	rec = deliver("{\"provider_payloads\":{\"webhook\":{\"custom\":1},"
	    "\"linux\":\"not an object\"}}", "all", 0, 5, err, sizeof(err));
	cr_assert_not_null(rec, "%s", err);
	b = recv_body(r, "/w");
	assert_member(b, "custom", "1");
	cr_assert_eq(json_object_object_length(b), 1);
	json_object_put(b);
	b = recv_body(r, "/l");
	assert_member(b, "schema_version", "\"cavra.webhook.evidence.v1\"");
	json_object_put(b);
	json_object_put(rec);
}

/* Selection: names trimmed, each must be enabled; the error lists the
 * missing ones sorted, once; nothing is sent then. */
Test(connector, selection)
{
	struct json_object	*rec, *d;
	struct recv		*r = recv_start(NULL, NULL);
	char			 err[512];

	cr_assert_eq(init_with("c.json", cv_arena_printf(&arena,
	    "{\"providers\": {\"webhook\": {\"url\": "
	    "\"http://127.0.0.1:%d/w\"}, \"slack\": {\"url\": "
	    "\"http://127.0.0.1:%d/s\"}, \"teams\": {\"url\": "
	    "\"http://127.0.0.1:%d/t\", \"enabled\": false}}}", r->port,
	    r->port, r->port), NULL), CV_OK);
	rec = deliver("{}", " webhook ,slack,webhook", 0, 5, err,
	    sizeof(err));
	cr_assert_not_null(rec, "%s", err);
	d = member(rec, "deliveries");
	cr_assert_eq(json_object_array_length(d), 2);
	cr_assert_str_eq(str_of(idx(d, 0), "provider"), "slack");
	cr_assert_str_eq(str_of(idx(d, 1), "provider"), "webhook");
	json_object_put(rec);

	rec = deliver("{}", "webhook,teams,jira,teams", 0, 5, err,
	    sizeof(err));
	cr_assert_null(rec);
	cr_assert_str_eq(err, "connector provider is not configured: jira, "
	    "teams");
	rec = deliver("{}", "All", 0, 5, err, sizeof(err));
	cr_assert_null(rec);
	cr_assert_str_eq(err, "connector provider is not configured: All");
	cr_assert_eq(recv_count(r), 2);
}

/* A receiver answering 500 then 200: the retry is counted. */
Test(connector, retry_after_500)
{
	struct json_object	*rec, *d;
	struct recv		*r = recv_start("-s", "500,200");
	char			 err[512];

	cr_assert_eq(init_with("c.json", cv_arena_printf(&arena,
	    "{\"webhook\": {\"url\": \"http://127.0.0.1:%d/w\"}}", r->port),
	    NULL), CV_OK);
	rec = deliver("{}", "webhook", 1, 5, err, sizeof(err));
	cr_assert_not_null(rec, "%s", err);
	d = delivery(rec, "webhook");
	assert_member(d, "attempt_count", "2");
	assert_member(d, "success", "true");
	assert_member(d, "status_code", "200");
	assert_member(d, "error", "null");
	assert_member(rec, "success", "true");
	cr_assert_eq(recv_count(r), 2);
	json_object_put(rec);
}

/* Without retries the 500 is the answer, and the record fails. */
Test(connector, no_retry_keeps_500)
{
	struct json_object	*rec, *d;
	struct recv		*r = recv_start("-s", "500,200");
	char			 err[512];

	cr_assert_eq(init_with("c.json", cv_arena_printf(&arena,
	    "{\"webhook\": {\"url\": \"http://127.0.0.1:%d/w\"}}", r->port),
	    NULL), CV_OK);
	rec = deliver("{}", "all", 0, 5, err, sizeof(err));
	cr_assert_not_null(rec, "%s", err);
	d = delivery(rec, "webhook");
	assert_member(d, "attempt_count", "1");
	assert_member(d, "success", "false");
	assert_member(d, "status_code", "500");
	assert_member(d, "error", "\"HTTP 500\"");
	assert_member(rec, "success", "false");
	json_object_put(rec);
}

/* A receiver that never answers in time: each attempt is cut at the
 * timeout, and the delivery fails as unreachable. */
Test(connector, timeout_honoured)
{
	struct json_object	*rec, *d;
	struct recv		*r = recv_start("-d", "5000");
	char			 err[512];
	double			 t0, dt;

	cr_assert_eq(init_with("c.json", cv_arena_printf(&arena,
	    "{\"webhook\": {\"url\": \"http://127.0.0.1:%d/w\"}}", r->port),
	    NULL), CV_OK);
	t0 = recv_now();
	rec = deliver("{}", "webhook", 1, 0.4, err, sizeof(err));
	dt = recv_now() - t0;
	cr_assert_not_null(rec, "%s", err);
	d = delivery(rec, "webhook");
	assert_member(d, "attempt_count", "2");
	assert_member(d, "success", "false");
	assert_member(d, "status_code", "0");
	assert_member(d, "error", "\"connector endpoint unreachable\"");
	/* Two attempts of 0.4 s and a 0.25 s wait, far below 5 s. */
	cr_assert(dt >= 0.9 && dt < 2.5, "took %.2f s", dt);
	cr_assert_eq(recv_count(r), 2);
	json_object_put(rec);
}

/* One provider failing (dead port) fails the record, not the others. */
Test(connector, success_is_every_delivery)
{
	struct json_object	*rec;
	struct recv		*r = recv_start(NULL, NULL);
	char			 err[512];

	cr_assert_eq(init_with("c.json", cv_arena_printf(&arena,
	    "{\"webhook\": {\"url\": \"http://127.0.0.1:%d/w\"}, \"slack\": "
	    "{\"url\": \"http://127.0.0.1:%d/s\"}}", r->port, recv_dead_port()),
	    NULL), CV_OK);
	rec = deliver("{}", "all", 0, 2, err, sizeof(err));
	cr_assert_not_null(rec, "%s", err);
	assert_member(delivery(rec, "webhook"), "success", "true");
	assert_member(delivery(rec, "slack"), "success", "false");
	assert_member(delivery(rec, "slack"), "status_code", "0");
	assert_member(delivery(rec, "slack"), "error",
	    "\"connector endpoint unreachable\"");
	assert_member(rec, "success", "false");
	json_object_put(rec);
}

/* Splunk needs an ISO 8601 timestamp; a bad one sends nothing at all. */
Test(connector, splunk_bad_timestamp)
{
	struct json_object	*rec, *b;
	struct recv		*r = recv_start(NULL, NULL);
	char			 err[512];

	setenv("CAVRA_TEST_SPLUNK_TOKEN", "SPLUNKTOKSECRET", 1);
	cr_assert_eq(init_with("c.json", cv_arena_printf(&arena,
	    "{\"webhook\": {\"url\": \"http://127.0.0.1:%d/w\"}, \"splunk\": "
	    "{\"url\": \"http://127.0.0.1:%d/s\", \"token_env\": "
	    "\"CAVRA_TEST_SPLUNK_TOKEN\"}}", r->port, r->port), NULL), CV_OK);
	rec = deliver("{\"timestamp\":\"yesterday\"}", "all", 0, 5, err,
	    sizeof(err));
	cr_assert_null(rec);
	cr_assert_not_null(strstr(err, "ISO 8601"), "%s", err);
	rec = deliver("{\"timestamp\":\"2026-02-30T00:00:00Z\"}", "all", 0, 5,
	    err, sizeof(err));
	cr_assert_null(rec);
	cr_assert_eq(recv_count(r), 0);

	/* Offsets count; a date alone is midnight UTC. */
	rec = deliver("{\"timestamp\":\"2026-05-01T12:00:00+02:00\"}",
	    "splunk", 0, 5, err, sizeof(err));
	cr_assert_not_null(rec, "%s", err);
	json_object_put(rec);
	b = recv_body(r, "/s");
	assert_member(b, "time", "1777629600.0");
	json_object_put(b);
}

/* Without a config nothing is configured, and delivery says so. */
Test(connector, not_configured)
{
	struct json_object	*rec;
	char			 err[512];

	cr_assert_eq(cv_connector_init(), CV_OK);
	cr_assert_eq(cv_connector_configured(), 0);
	rec = deliver("{}", "all", 0, 5, err, sizeof(err));
	cr_assert_null(rec);
	cr_assert_str_eq(err, "connector config is not configured");
}

/* Each broken config is one log line at start, naming the problem. */
Test(connector, config_errors_at_start)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "{\"connectors\": []}",
		    "connector config must contain connector objects" },
		{ "{\"webhook\": \"http://x\"}",
		    "connector webhook config must be an object" },
		{ "{\"other\": 5}", "connector other config must be an object" },
		{ "{\"webhook\": {}}",
		    "connector webhook must configure url or url_env" },
		{ "{\"jira\": {\"url\": \"http://127.0.0.1:1/j\"}}",
		    "connector jira must configure token_env, "
		    "authorization_env, api_key_env, or authorization header" },
		{ "{\"splunk\": {\"url\": \"http://127.0.0.1:1/j\", "
		    "\"headers\": {\"x-trace\": \"t\"}}}",
		    "connector splunk must configure token_env" },
		{ "{\"slack\": {\"url_env\": \"CAVRA_TEST_UNSET_URL\"}}",
		    "environment variable CAVRA_TEST_UNSET_URL is required for "
		    "connector url" },
		{ "{\"webhook\": {\"url\": \"ftp://127.0.0.1/\"}}",
		    "connector webhook url must be an http or https URL" },
		{ "{\"splunk\": {\"url\": \"http://127.0.0.1:1/s\", "
		    "\"token\": \"t\", \"index\": 5}}",
		    "connector splunk index must be a string" },
	};
	const char	*log;
	size_t		 i;

	unsetenv("CAVRA_TEST_UNSET_URL");
	for (i = 0; i < nitems(cases); i++) {
		cr_assert_eq(init_with("c.json", cases[i].text, &log),
		    CV_EINVAL, "%s", cases[i].text);
		cr_assert_not_null(strstr(log, cases[i].want), "%s: %s",
		    cases[i].text, log);
		cr_assert_not_null(strstr(log, CV_CONNECTOR_ENV), "%s", log);
		cr_assert_eq(cv_connector_configured(), 0);
	}

	/* What is fine: unknown names, disabled entries, credentials from
	 * any of the accepted keys or headers. */
	cr_assert_eq(init_with("c.json", "{\"not_a_provider\": {}, "
	    "\"jira\": {\"enabled\": false}, \"datadog\": {\"url\": "
	    "\"http://127.0.0.1:1/d\", \"headers\": {\"DD-API-KEY\": \"k\"}}, "
	    "\"sentinel\": {\"url\": \"http://127.0.0.1:1/s\", \"api_key\": "
	    "\"k\"}}", &log), CV_OK, "%s", log);
	cr_assert_eq(cv_connector_configured(), 1);
	cr_assert_str_eq(log, "");
}

/* A YAML config, and a broken one. */
Test(connector, yaml_config)
{
	const char	*log;

	cr_assert_eq(init_with("c.yml", "connectors:\n  slack:\n"
	    "    url: http://127.0.0.1:1/s\n", &log), CV_OK, "%s", log);
	cr_assert_eq(init_with("c.yaml", "connectors: [unclosed\n", &log),
	    CV_EINVAL);
	cr_assert_not_null(strstr(log, CV_CONNECTOR_ENV), "%s", log);
}
