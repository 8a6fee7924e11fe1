/*
 * API tests of cavra-registry (agents, MCP servers, profiles, tool
 * classifications, MCP trust) and of the read side of cavra-policy (the
 * pack catalog).
 *
 * The tests of one store mode share one stack and run in parallel, so
 * every record id carries a per-test suffix; the harness keeps a restart
 * from stopping the stack under a test running alongside.
 */
#include "config.h"


#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "flow.h"
#include "harness.h"

#define ID_LEN	128

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define uid(buf, prefix)	api_uid(buf, ID_LEN, prefix)

/* Asserts that the string member `key` of every item ascends. */
static void
assert_sorted(struct json_object *items, const char *key)
{
	size_t	 i, n;

	n = json_object_array_length(items);
	for (i = 1; i < n; i++)
		cr_assert(strcmp(api_str(json_object_array_get_idx(items,
		    i - 1), key), api_str(json_object_array_get_idx(items, i),
		    key)) < 0, "%s not ascending at %zu", key, i);
}

/* The name of the first key of an object. */
static const char *
first_key(struct json_object *o)
{
	json_object_object_foreach(o, k, v) {
		(void)v;
		return k;
	}
	return "";
}

/* --- Agents ------------------------------------------------------------ */

API_TEST(registry, agent_create_defaults)
{
	static const char *const none[] = { NULL };
	struct api_resp	 r;
	char		 id[ID_LEN], body[512], path[512];

	uid(id, "agent");
	snprintf(body, sizeof(body), "{\"agent_id\":\"%s\"}", id);
	flow_post("/agents", body, 200, &r);
	cr_assert_str_eq(first_key(r.json), "schema_version");
	cr_assert_str_eq(api_str(r.json, "schema_version"), "cavra.agent.v1");
	cr_assert_str_eq(api_str(r.json, "agent_id"), id);
	cr_assert_str_eq(api_str(r.json, "type"), "coding-agent");
	cr_assert_str_eq(api_str(r.json, "vendor"), "unknown");
	cr_assert_str_eq(api_str(r.json, "version"), "unknown");
	cr_assert_str_eq(api_str(r.json, "risk_tier"), "medium");
	cr_assert_str_eq(api_str(r.json, "owner"), "unassigned");
	cr_assert_str_eq(api_str(r.json, "status"), "active");
	flow_assert_strv(api_get(r.json, "capabilities"), none);
	flow_assert_strv(api_get(r.json, "scopes"), none);
	flow_assert_strv(api_get(r.json, "allowed_repositories"), none);
	flow_assert_strv(api_get(r.json, "allowed_tools"), none);
	flow_assert_strv(api_get(r.json, "evidence_refs"), none);
	flow_assert_ts(r.json, "last_seen");
	flow_assert_ts(r.json, "created_at");
	flow_assert_ts(r.json, "updated_at");
	cr_assert_str_eq(api_str(r.json, "created_at"),
	    api_str(r.json, "updated_at"));
	cr_assert_eq(json_object_object_length(r.json), 16);
	api_free(&r);

	snprintf(path, sizeof(path), "/agents/%s", id);
	flow_get(path, 200, &r);
	cr_assert_str_eq(api_str(r.json, "agent_id"), id);
	cr_assert_str_eq(api_str(r.json, "schema_version"), "cavra.agent.v1");
	cr_assert_eq(json_object_object_length(r.json), 16);
	api_free(&r);
}

API_TEST(registry, agent_create_full_record)
{
	static const char *const caps[] = { "code_edit", "shell", NULL };
	static const char *const scopes[] = { "repository", NULL };
	static const char *const repos[] = { "payments/api", "web/app", NULL };
	static const char *const tools[] = { "git", NULL };
	static const char *const refs[] = { "evidence://s/d", NULL };
	struct api_resp	 r;
	char		 id[ID_LEN], body[2048], path[512];

	uid(id, "agent-full");
	snprintf(body, sizeof(body), "{\"id\":\"%s\",\"type\":\"cli-agent\","
	    "\"vendor\":\"Anthropic\",\"version\":\"1.2.3\","
	    "\"capabilities\":[\"code_edit\",null,\"shell\"],"
	    "\"scopes\":\"repository\","
	    "\"allowed_repositories\":[\"payments/api\",\"web/app\"],"
	    "\"allowed_tools\":[\"git\"],\"risk_tier\":\"critical\","
	    "\"owner\":\"platform\",\"status\":\"disabled\","
	    "\"last_seen\":\"2026-01-02T03:04:05+00:00\","
	    "\"created_at\":\"2025-12-01T00:00:00+00:00\","
	    "\"evidence_refs\":\"evidence://s/d\","
	    "\"team\":{\"name\":\"core\"},\"tags\":[1,2]}", id);
	flow_post("/agents", body, 200, &r);
	cr_assert_str_eq(api_str(r.json, "agent_id"), id);
	cr_assert_str_eq(api_str(r.json, "id"), id);
	cr_assert_str_eq(api_str(r.json, "type"), "cli-agent");
	cr_assert_str_eq(api_str(r.json, "vendor"), "Anthropic");
	cr_assert_str_eq(api_str(r.json, "version"), "1.2.3");
	flow_assert_strv(api_get(r.json, "capabilities"), caps);
	flow_assert_strv(api_get(r.json, "scopes"), scopes);
	flow_assert_strv(api_get(r.json, "allowed_repositories"), repos);
	flow_assert_strv(api_get(r.json, "allowed_tools"), tools);
	flow_assert_strv(api_get(r.json, "evidence_refs"), refs);
	cr_assert_str_eq(api_str(r.json, "risk_tier"), "critical");
	cr_assert_str_eq(api_str(r.json, "owner"), "platform");
	cr_assert_str_eq(api_str(r.json, "status"), "disabled");
	cr_assert_str_eq(api_str(r.json, "last_seen"),
	    "2026-01-02T03:04:05+00:00");
	cr_assert_str_eq(api_str(r.json, "created_at"),
	    "2025-12-01T00:00:00+00:00");
	flow_assert_ts(r.json, "updated_at");
	cr_assert_str_eq(api_str(api_get(r.json, "team"), "name"), "core");
	cr_assert_eq(json_object_array_length(api_get(r.json, "tags")), 2);
	api_free(&r);

	/* Unknown fields survive the store. */
	snprintf(path, sizeof(path), "/agents/%s", id);
	flow_get(path, 200, &r);
	cr_assert_str_eq(api_str(api_get(r.json, "team"), "name"), "core");
	flow_assert_strv(api_get(r.json, "capabilities"), caps);
	cr_assert_str_eq(api_str(r.json, "status"), "disabled");
	api_free(&r);
}

API_TEST(registry, agent_agent_id_wins_over_id_and_empty_falls_back)
{
	struct api_resp	 r;
	char		 a[ID_LEN], b[ID_LEN], body[1024];

	uid(a, "agent-a");
	uid(b, "agent-b");
	snprintf(body, sizeof(body), "{\"agent_id\":\"%s\",\"id\":\"%s\"}",
	    a, b);
	flow_post("/agents", body, 200, &r);
	cr_assert_str_eq(api_str(r.json, "agent_id"), a);
	api_free(&r);
	snprintf(body, sizeof(body), "{\"agent_id\":\"\",\"id\":\"%s\"}", b);
	flow_post("/agents", body, 200, &r);
	cr_assert_str_eq(api_str(r.json, "agent_id"), b);
	api_free(&r);
	snprintf(body, sizeof(body), "{\"agent_id\":null,\"id\":\"%s\","
	    "\"capabilities\":null,\"evidence_refs\":null,\"owner\":null}", b);
	flow_post("/agents", body, 200, &r);
	cr_assert_str_eq(api_str(r.json, "agent_id"), b);
	cr_assert_eq(json_object_array_length(api_get(r.json,
	    "capabilities")), 0);
	cr_assert_eq(json_object_array_length(api_get(r.json,
	    "evidence_refs")), 0);
	cr_assert_str_eq(api_str(r.json, "owner"), "unassigned");
	api_free(&r);
}

API_TEST(registry, agent_update_keeps_created_at)
{
	struct api_resp	 r;
	char		 id[ID_LEN], body[1024], path[512], created[64];
	char		 updated[64];

	uid(id, "agent-upd");
	snprintf(body, sizeof(body), "{\"agent_id\":\"%s\"}", id);
	flow_post("/agents", body, 200, &r);
	snprintf(created, sizeof(created), "%s", api_str(r.json,
	    "created_at"));
	snprintf(updated, sizeof(updated), "%s", api_str(r.json,
	    "updated_at"));
	api_free(&r);
	usleep(20000);

	snprintf(body, sizeof(body), "{\"agent_id\":\"%s\",\"status\":"
	    "\"retired\",\"owner\":\"sec\"}", id);
	flow_post("/agents", body, 200, &r);
	cr_assert_str_eq(api_str(r.json, "created_at"), created);
	cr_assert_str_neq(api_str(r.json, "updated_at"), updated);
	cr_assert_str_eq(api_str(r.json, "status"), "retired");
	api_free(&r);

	snprintf(path, sizeof(path), "/agents/%s", id);
	flow_get(path, 200, &r);
	cr_assert_str_eq(api_str(r.json, "created_at"), created);
	cr_assert_str_eq(api_str(r.json, "owner"), "sec");
	api_free(&r);

	/* An explicit created_at replaces the stored one. */
	snprintf(body, sizeof(body), "{\"agent_id\":\"%s\",\"created_at\":"
	    "\"2020-01-01T00:00:00+00:00\"}", id);
	flow_post("/agents", body, 200, &r);
	cr_assert_str_eq(api_str(r.json, "created_at"),
	    "2020-01-01T00:00:00+00:00");
	api_free(&r);
}

API_TEST(registry, agent_list_filters_and_order)
{
	struct api_resp		 r;
	struct json_object	*items;
	char			 owner[ID_LEN], ids[3][ID_LEN + 8], body[1024];
	char			 path[512];
	static const char *const sfx[] = { "c", "a", "b" };
	static const char *const st[] = { "active", "disabled", "active" };
	size_t			 i;

	uid(owner, "owner");
	for (i = 0; i < 3; i++) {
		snprintf(ids[i], sizeof(ids[i]), "%s-%s", owner, sfx[i]);
		snprintf(body, sizeof(body), "{\"agent_id\":\"%s\","
		    "\"owner\":\"%s\",\"status\":\"%s\"}", ids[i], owner,
		    st[i]);
		flow_post("/agents", body, 200, &r);
		api_free(&r);
	}

	snprintf(path, sizeof(path), "/agents?owner=%s&unknown=1", owner);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "total"), 3);
	cr_assert_eq(json_object_object_length(r.json), 2);
	items = api_get(r.json, "items");
	cr_assert_str_eq(api_str(json_object_array_get_idx(items, 0),
	    "agent_id"), ids[1]);
	cr_assert_str_eq(api_str(json_object_array_get_idx(items, 1),
	    "agent_id"), ids[2]);
	cr_assert_str_eq(api_str(json_object_array_get_idx(items, 2),
	    "agent_id"), ids[0]);
	api_free(&r);

	snprintf(path, sizeof(path), "/agents?owner=%s&status=disabled",
	    owner);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "total"), 1);
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(r.json,
	    "items"), 0), "agent_id"), ids[1]);
	api_free(&r);

	snprintf(path, sizeof(path), "/agents?owner=%s&status=retired", owner);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "total"), 0);
	cr_assert_eq(json_object_array_length(api_get(r.json, "items")), 0);
	api_free(&r);

	/* Empty filters are ignored; the whole list is sorted by id. */
	flow_get("/agents?owner=&status=", 200, &r);
	cr_assert_geq(api_int(r.json, "total"), 3);
	cr_assert_eq(api_int(r.json, "total"),
	    (long long)json_object_array_length(api_get(r.json, "items")));
	assert_sorted(api_get(r.json, "items"), "agent_id");
	api_free(&r);
}

API_TEST(registry, agent_not_found)
{
	struct api_resp	 r;
	char		 id[ID_LEN], path[512];

	uid(id, "agent-missing");
	snprintf(path, sizeof(path), "/agents/%s", id);
	api_req("GET", path, NULL, NULL, &r);
	cr_assert_eq(r.status, 404);
	flow_problem(&r, 404, "agent not found");
	cr_assert_str_eq(api_str(r.json, "detail"), "agent not found");
	api_free(&r);
}

API_TEST(registry, agent_rejects_bad_records)
{
	static const struct {
		const char	*body;
		const char	*detail;
	} bad[] = {
		{ "{}", "invalid agent record: agent_id is required" },
		{ "{\"agent_id\":\"\"}",
		    "invalid agent record: agent_id is required" },
		{ "{\"agent_id\":null,\"id\":\"\"}",
		    "invalid agent record: agent_id is required" },
		{ "{\"agent_id\":42}", "invalid agent record: agent_id" },
		{ "{\"agent_id\":\"x\",\"status\":\"paused\"}",
		    "status must be one of: active, disabled, retired" },
		{ "{\"agent_id\":\"x\",\"risk_tier\":\"extreme\"}",
		    "risk_tier must be one of: low, medium, high, critical" },
		{ "{\"agent_id\":\"x\",\"capabilities\":7}",
		    "invalid agent record: capabilities must be a list of "
		    "strings" },
		{ "{\"agent_id\":\"x\",\"scopes\":{\"a\":1}}",
		    "invalid agent record: scopes must be a list of strings" },
		{ "{\"agent_id\":\"x\",\"allowed_tools\":[\"git\",3]}",
		    "invalid agent record: allowed_tools must be a list of "
		    "strings" },
		{ "{\"agent_id\":\"x\",\"allowed_repositories\":true}",
		    "invalid agent record: allowed_repositories must be a list "
		    "of strings" },
		{ "{\"agent_id\":\"x\",\"evidence_refs\":{}}",
		    "invalid agent record: evidence_refs must be a list of "
		    "strings" },
		{ "{\"agent_id\":\"x\",\"vendor\":5}",
		    "invalid agent record: vendor must be a string" },
		{ "{\"agent_id\":\"x\",\"last_seen\":5}",
		    "invalid agent record: last_seen must be a string" },
		{ "{\"agent_id\":\"x\",\"status\":null,\"risk_tier\":1}",
		    "invalid agent record: risk_tier" },
	};
	size_t	 i;

	for (i = 0; i < nitems(bad); i++)
		flow_post_fails("/agents", bad[i].body, 400, bad[i].detail);
	flow_post_fails("/agents", "[{\"agent_id\":\"x\"}]", 422,
	    "JSON object");
	flow_post_fails("/agents", "\"x\"", 422, "JSON object");
	flow_post_fails("/agents", "", 422, "JSON object");
	flow_post_fails("/agents", "{\"agent_id\":", 400, "");
	flow_post_fails("/agents", "{\"agent_id\":\"x\"} trailing", 400, "");
}

API_TEST(registry, agent_rejects_overlong_id)
{
	struct api_resp	 r;
	char		*body;
	size_t		 n = 600;

	body = malloc(n + 32);
	cr_assert_not_null(body);
	strcpy(body, "{\"agent_id\":\"");
	memset(body + strlen(body), 'x', n);
	strcpy(body + 13 + n, "\"}");
	api_req("POST", "/agents", body, NULL, &r);
	flow_problem(&r, 400, "invalid agent record: agent_id");
	api_free(&r);
	free(body);
}

API_TEST(registry, agent_routes_wrong_method)
{
	struct api_resp	 r;
	char		*allow;

	api_req("PUT", "/agents", "{}", NULL, &r);
	api_assert_problem(&r, 405);
	allow = api_header(&r, "Allow");
	cr_assert_not_null(allow);
	cr_assert(strstr(allow, "GET") != NULL && strstr(allow, "POST") !=
	    NULL, "%s", allow);
	free(allow);
	api_free(&r);
	api_req("POST", "/agents/profiles", "{}", NULL, &r);
	api_assert_problem(&r, 405);
	api_free(&r);
	api_req("POST", "/mcp/trust?server=x", "{}", NULL, &r);
	api_assert_problem(&r, 405);
	api_free(&r);
}

/* Whether every item of arr is a non-empty string. */
static int
all_strings(struct json_object *arr)
{
	struct json_object	*it;
	size_t			 i, n;

	if (!json_object_is_type(arr, json_type_array))
		return 0;
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(it, json_type_string) ||
		    json_object_get_string_len(it) == 0)
			return 0;
	}
	return n > 0;
}

/*
 * The predefined profiles: six, sorted by profile_id, each with the
 * reference's nine keys, and each a valid agent template: registering an
 * agent from it (POST /agents) is accepted and keeps its lists and risk
 * tier.  Two rows are checked against the reference's contract table as
 * examples.
 */
API_TEST(registry, agent_profiles)
{
	static const char *const keys[] = { "profile_id", "display_name",
	    "vendor", "type", "default_capabilities", "default_scopes",
	    "recommended_tools", "risk_tier", "enterprise_controls", NULL };
	static const char *const claude_caps[] = { "code_edit", "test",
	    "shell", "mcp_tool_call", "pull_request_attestation", NULL };
	struct api_resp		 r, a;
	struct json_object	*items, *it;
	const char		*prev = "", *id;
	char			 body[4096], uidbuf[ID_LEN];
	size_t			 i, k;

	flow_get("/agents/profiles", 200, &r);
	items = api_get(r.json, "items");
	cr_assert_eq(api_int(r.json, "total"), 6);
	cr_assert_eq(json_object_array_length(items), 6);
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		cr_assert_eq(json_object_object_length(it), 9);
		for (k = 0; keys[k] != NULL; k++)
			api_get(it, keys[k]);
		id = api_str(it, "profile_id");
		cr_assert_gt(strcmp(id, prev), 0, "not sorted at %s", id);
		prev = id;
		cr_assert_str_eq(api_str(it, "type"), "coding-agent");
		cr_assert(all_strings(api_get(it, "default_capabilities")));
		cr_assert(all_strings(api_get(it, "default_scopes")));
		cr_assert(all_strings(api_get(it, "recommended_tools")));
		cr_assert(all_strings(api_get(it, "enterprise_controls")));
		/* A valid agent template. */
		uid(uidbuf, id);
		snprintf(body, sizeof(body), "{\"agent_id\":\"%s\","
		    "\"vendor\":\"%s\",\"risk_tier\":\"%s\","
		    "\"capabilities\":%s,\"scopes\":%s,\"allowed_tools\":%s}",
		    uidbuf, api_str(it, "vendor"), api_str(it, "risk_tier"),
		    json_object_to_json_string(api_get(it,
		    "default_capabilities")), json_object_to_json_string(
		    api_get(it, "default_scopes")), json_object_to_json_string(
		    api_get(it, "recommended_tools")));
		flow_post("/agents", body, 200, &a);
		cr_assert_str_eq(api_str(a.json, "risk_tier"), api_str(it,
		    "risk_tier"));
		cr_assert(json_object_equal(api_get(a.json, "capabilities"),
		    api_get(it, "default_capabilities")));
		api_free(&a);
	}
	/* Examples from the reference's contract. */
	it = json_object_array_get_idx(items, 1);
	cr_assert_str_eq(api_str(it, "profile_id"), "claude-code");
	cr_assert_str_eq(api_str(it, "vendor"), "Anthropic");
	cr_assert_str_eq(api_str(it, "risk_tier"), "high");
	flow_assert_strv(api_get(it, "default_capabilities"), claude_caps);
	it = json_object_array_get_idx(items, 5);
	cr_assert_str_eq(api_str(it, "display_name"), "GitHub Copilot Agent");
	cr_assert_str_eq(api_str(it, "risk_tier"), "medium");
	api_free(&r);
}

/* --- MCP servers ------------------------------------------------------- */

API_TEST(registry, server_create_defaults)
{
	static const char *const none[] = { NULL };
	struct api_resp	 r;
	char		 id[ID_LEN], body[1024];

	uid(id, "mcp-name");
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", id);
	flow_post("/mcp/servers", body, 200, &r);
	cr_assert_str_eq(first_key(r.json), "schema_version");
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.mcp_server.v1");
	cr_assert_str_eq(api_str(r.json, "server_id"), id);
	cr_assert_str_eq(api_str(r.json, "name"), id);
	cr_assert_str_eq(api_str(r.json, "trust_tier"), "unknown");
	cr_assert_str_eq(api_str(r.json, "approval_state"), "pending");
	cr_assert_str_eq(api_str(r.json, "owner"), "unassigned");
	flow_assert_strv(api_get(r.json, "capabilities"), none);
	flow_assert_strv(api_get(r.json, "allowed_tools"), none);
	flow_assert_strv(api_get(r.json, "evidence_refs"), none);
	flow_assert_ts(r.json, "last_seen");
	flow_assert_ts(r.json, "created_at");
	flow_assert_ts(r.json, "updated_at");
	cr_assert_eq(json_object_object_length(r.json), 12);
	api_free(&r);

	uid(id, "mcp-trusted");
	snprintf(body, sizeof(body), "{\"server_id\":\"%s\",\"trust_tier\":"
	    "\"trusted\",\"capabilities\":\"repository\"}", id);
	flow_post("/mcp/servers", body, 200, &r);
	cr_assert_str_eq(api_str(r.json, "name"), id);
	cr_assert_str_eq(api_str(r.json, "approval_state"), "approved");
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    api_get(r.json, "capabilities"), 0)), "repository");
	api_free(&r);

	uid(id, "mcp-exp");
	snprintf(body, sizeof(body), "{\"id\":\"%s\",\"name\":\"Lab\","
	    "\"trust_tier\":\"experimental\"}", id);
	flow_post("/mcp/servers", body, 200, &r);
	cr_assert_str_eq(api_str(r.json, "server_id"), id);
	cr_assert_str_eq(api_str(r.json, "name"), "Lab");
	cr_assert_str_eq(api_str(r.json, "approval_state"), "pending");
	api_free(&r);

	uid(id, "mcp-blocked");
	snprintf(body, sizeof(body), "{\"server_id\":\"%s\",\"trust_tier\":"
	    "\"blocked\",\"approval_state\":\"not_required\",\"owner\":"
	    "\"it\",\"extra\":[1]}", id);
	flow_post("/mcp/servers", body, 200, &r);
	cr_assert_str_eq(api_str(r.json, "approval_state"), "not_required");
	cr_assert_str_eq(api_str(r.json, "owner"), "it");
	cr_assert_eq(json_object_array_length(api_get(r.json, "extra")), 1);
	api_free(&r);
}

API_TEST(registry, server_get_by_id_or_name)
{
	struct api_resp	 r;
	char		 id[ID_LEN], name[ID_LEN], body[1024], path[512];

	uid(id, "mcp-get");
	uid(name, "mcp-display");
	snprintf(body, sizeof(body), "{\"server_id\":\"%s\",\"name\":\"%s\","
	    "\"trust_tier\":\"approved\"}", id, name);
	flow_post("/mcp/servers", body, 200, &r);
	api_free(&r);

	snprintf(path, sizeof(path), "/mcp/servers/%s", id);
	flow_get(path, 200, &r);
	cr_assert_str_eq(api_str(r.json, "server_id"), id);
	cr_assert_str_eq(api_str(r.json, "trust_tier"), "approved");
	api_free(&r);

	snprintf(path, sizeof(path), "/mcp/servers/%s", name);
	flow_get(path, 200, &r);
	cr_assert_str_eq(api_str(r.json, "server_id"), id);
	api_free(&r);

	uid(id, "mcp-missing");
	snprintf(path, sizeof(path), "/mcp/servers/%s", id);
	api_req("GET", path, NULL, NULL, &r);
	flow_problem(&r, 404, "MCP server not found");
	cr_assert_str_eq(api_str(r.json, "detail"), "MCP server not found");
	api_free(&r);
}

API_TEST(registry, server_update_keeps_created_at)
{
	struct api_resp	 r;
	char		 id[ID_LEN], body[1024], created[64];

	uid(id, "mcp-upd");
	snprintf(body, sizeof(body), "{\"server_id\":\"%s\"}", id);
	flow_post("/mcp/servers", body, 200, &r);
	snprintf(created, sizeof(created), "%s", api_str(r.json,
	    "created_at"));
	api_free(&r);
	usleep(20000);
	snprintf(body, sizeof(body), "{\"server_id\":\"%s\",\"trust_tier\":"
	    "\"trusted\",\"created_at\":\"\"}", id);
	flow_post("/mcp/servers", body, 200, &r);
	cr_assert_str_eq(api_str(r.json, "created_at"), created);
	cr_assert_str_neq(api_str(r.json, "updated_at"), created);
	cr_assert_str_eq(api_str(r.json, "approval_state"), "approved");
	api_free(&r);
}

API_TEST(registry, server_list_filters_and_order)
{
	struct api_resp		 r;
	struct json_object	*items;
	char			 cap[ID_LEN], ids[3][ID_LEN + 8], body[1024];
	char			 path[512];
	static const char *const sfx[] = { "z", "m", "a" };
	static const char *const tier[] = { "trusted", "experimental",
	    "trusted" };
	static const char *const state[] = { "approved", "pending",
	    "denied" };
	size_t			 i;

	uid(cap, "cap");
	for (i = 0; i < 3; i++) {
		snprintf(ids[i], sizeof(ids[i]), "%s-%s", cap, sfx[i]);
		snprintf(body, sizeof(body), "{\"server_id\":\"%s\","
		    "\"trust_tier\":\"%s\",\"approval_state\":\"%s\","
		    "\"capabilities\":[\"shell\",\"%s\"]}", ids[i], tier[i],
		    state[i], cap);
		flow_post("/mcp/servers", body, 200, &r);
		api_free(&r);
	}

	snprintf(path, sizeof(path), "/mcp/servers?capability=%s&foo=bar",
	    cap);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "total"), 3);
	cr_assert_eq(json_object_object_length(r.json), 2);
	items = api_get(r.json, "items");
	cr_assert_str_eq(api_str(json_object_array_get_idx(items, 0),
	    "server_id"), ids[2]);
	cr_assert_str_eq(api_str(json_object_array_get_idx(items, 1),
	    "server_id"), ids[1]);
	cr_assert_str_eq(api_str(json_object_array_get_idx(items, 2),
	    "server_id"), ids[0]);
	api_free(&r);

	snprintf(path, sizeof(path), "/mcp/servers?capability=%s"
	    "&trust_tier=trusted", cap);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "total"), 2);
	items = api_get(r.json, "items");
	cr_assert_str_eq(api_str(json_object_array_get_idx(items, 0),
	    "server_id"), ids[2]);
	cr_assert_str_eq(api_str(json_object_array_get_idx(items, 1),
	    "server_id"), ids[0]);
	api_free(&r);

	snprintf(path, sizeof(path), "/mcp/servers?capability=%s"
	    "&trust_tier=trusted&approval_state=denied", cap);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "total"), 1);
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(r.json,
	    "items"), 0), "server_id"), ids[2]);
	api_free(&r);

	snprintf(path, sizeof(path), "/mcp/servers?capability=%s"
	    "&approval_state=pending", cap);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "total"), 1);
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(r.json,
	    "items"), 0), "server_id"), ids[1]);
	api_free(&r);

	snprintf(path, sizeof(path), "/mcp/servers?capability=%s-none", cap);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "total"), 0);
	api_free(&r);

	flow_get("/mcp/servers?trust_tier=&approval_state=&capability=", 200,
	    &r);
	cr_assert_geq(api_int(r.json, "total"), 3);
	assert_sorted(api_get(r.json, "items"), "server_id");
	api_free(&r);
}

API_TEST(registry, server_list_rejects_bad_enum_filters)
{
	struct api_resp	 r;

	/* A query value outside its enumeration is 422 (cavra-fcgi(8)). */
	api_req("GET", "/mcp/servers?trust_tier=shady", NULL, NULL, &r);
	flow_problem(&r, 422, "trust_tier");
	flow_problem(&r, 422, "trusted, approved, experimental, blocked, "
	    "unknown");
	api_free(&r);
	api_req("GET", "/mcp/servers?approval_state=maybe", NULL, NULL, &r);
	flow_problem(&r, 422, "approved, pending, denied, not_required");
	api_free(&r);
}

API_TEST(registry, server_rejects_bad_records)
{
	static const struct {
		const char	*body;
		const char	*detail;
	} bad[] = {
		{ "{}", "invalid MCP server record: server_id is required" },
		{ "{\"server_id\":\"\",\"id\":\"\",\"name\":\"\"}",
		    "invalid MCP server record: server_id is required" },
		{ "{\"owner\":\"x\"}",
		    "invalid MCP server record: server_id is required" },
		{ "{\"server_id\":[\"a\"]}",
		    "invalid MCP server record: server_id" },
		{ "{\"server_id\":\"s\",\"trust_tier\":\"shady\"}",
		    "trust_tier must be one of: trusted, approved, "
		    "experimental, blocked, unknown" },
		{ "{\"server_id\":\"s\",\"approval_state\":\"maybe\"}",
		    "approval_state must be one of: approved, pending, denied, "
		    "not_required" },
		{ "{\"server_id\":\"s\",\"capabilities\":1.5}",
		    "invalid MCP server record: capabilities must be a list of "
		    "strings" },
		{ "{\"server_id\":\"s\",\"allowed_tools\":[{}]}",
		    "invalid MCP server record: allowed_tools must be a list "
		    "of strings" },
		{ "{\"server_id\":\"s\",\"evidence_refs\":false}",
		    "invalid MCP server record: evidence_refs must be a list "
		    "of strings" },
		{ "{\"server_id\":\"s\",\"name\":7}",
		    "invalid MCP server record: name must be a string" },
		{ "{\"server_id\":\"s\",\"created_at\":{}}",
		    "invalid MCP server record: created_at must be a string" },
	};
	size_t	 i;

	for (i = 0; i < nitems(bad); i++)
		flow_post_fails("/mcp/servers", bad[i].body, 400,
		    bad[i].detail);
	flow_post_fails("/mcp/servers", "[]", 422, "JSON object");
	flow_post_fails("/mcp/servers", "null", 422, "JSON object");
	flow_post_fails("/mcp/servers", "", 422, "JSON object");
	flow_post_fails("/mcp/servers", "{\"server_id\":\"s\"", 400, "");
}

/* --- Tool classifications ---------------------------------------------- */

/*
 * The capability classifications: seven, sorted by capability, each with
 * the reference's seven keys, a risk tier of the registry's, and each
 * the same item when asked for alone (any case, padded); the filesystem
 * row is checked against the reference's contract as an example.
 */
API_TEST(registry, classifications_all)
{
	static const char *const tiers[] = { "low", "medium", "high",
	    "critical", NULL };
	static const char *const fs_appr[] = { "write_file", "delete_file",
	    "read_secret", NULL };
	struct api_resp		 r, one;
	struct json_object	*items, *it;
	const char		*prev = "", *cap;
	const char *const	*t;
	char			 path[256], upper[64];
	size_t			 i, k;

	flow_get("/mcp/tool-classifications", 200, &r);
	cr_assert_eq(api_int(r.json, "total"), 7);
	items = api_get(r.json, "items");
	cr_assert_eq(json_object_array_length(items), 7);
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		cr_assert_eq(json_object_object_length(it), 7);
		cap = api_str(it, "capability");
		cr_assert_gt(strcmp(cap, prev), 0, "not sorted at %s", cap);
		prev = cap;
		api_str(it, "category");
		api_str(it, "default_decision");
		api_str(it, "control_objective");
		for (t = tiers; *t != NULL && strcmp(*t, api_str(it,
		    "risk_tier")) != 0; t++)
			;
		cr_assert_not_null(*t, "%s: risk tier", cap);
		cr_assert(all_strings(api_get(it, "approval_required_for")));
		cr_assert(all_strings(api_get(it, "example_tools")));
		for (k = 0; cap[k] != '\0' && k + 1 < sizeof(upper); k++)
			upper[k] = (char)toupper((unsigned char)cap[k]);
		upper[k] = '\0';
		snprintf(path, sizeof(path), "/mcp/tool-classifications?"
		    "capability=%%20%s%%20", upper);
		flow_get(path, 200, &one);
		cr_assert(json_object_equal(one.json, it), "%s: %s", cap,
		    one.body);
		api_free(&one);
	}
	it = json_object_array_get_idx(items, 2);
	cr_assert_str_eq(api_str(it, "capability"), "filesystem");
	cr_assert_str_eq(api_str(it, "category"), "local_resource");
	cr_assert_str_eq(api_str(it, "default_decision"), "block_unknown");
	flow_assert_strv(api_get(it, "approval_required_for"), fs_appr);
	api_free(&r);

	flow_get("/mcp/tool-classifications?capability=", 200, &r);
	cr_assert_eq(api_int(r.json, "total"), 7);
	api_free(&r);
}

API_TEST(registry, classifications_one)
{
	static const char *const shell_tools[] = { "run_command",
	    "shell_exec", NULL };
	static const char *const q[] = { "shell", "SHELL", "%20Shell%20",
	    "+shell+", "%09shell", NULL };
	struct api_resp	 r;
	char		 path[256];
	size_t		 i;

	for (i = 0; q[i] != NULL; i++) {
		snprintf(path, sizeof(path),
		    "/mcp/tool-classifications?capability=%s", q[i]);
		flow_get(path, 200, &r);
		cr_assert_str_eq(api_str(r.json, "capability"), "shell");
		cr_assert_str_eq(api_str(r.json, "category"), "execution");
		cr_assert_str_eq(api_str(r.json, "risk_tier"), "critical");
		cr_assert_str_eq(api_str(r.json, "default_decision"),
		    "require_approval");
		flow_assert_strv(api_get(r.json, "example_tools"), shell_tools);
		cr_assert_eq(json_object_object_length(r.json), 7);
		api_free(&r);
	}
	flow_get("/mcp/tool-classifications?capability=Network", 200, &r);
	cr_assert_str_eq(api_str(r.json, "category"), "egress");
	api_free(&r);

	api_req("GET", "/mcp/tool-classifications?capability=quantum", NULL,
	    NULL, &r);
	flow_problem(&r, 404, "MCP capability classification not found");
	api_free(&r);
	api_req("GET", "/mcp/tool-classifications?capability=%20", NULL, NULL,
	    &r);
	flow_problem(&r, 404, "MCP capability classification not found");
	api_free(&r);
}

/* --- MCP trust --------------------------------------------------------- */

/* Asserts the five-key verdict of GET /mcp/trust. */
static void
assert_trust(const char *query, const char *decision, const char *rule,
    const char *severity, const char *group)
{
	struct api_resp		 r;
	struct json_object	*g;
	char			 path[1024];

	snprintf(path, sizeof(path), "/mcp/trust?%s", query);
	flow_get(path, 200, &r);
	cr_assert_eq(json_object_object_length(r.json), 5, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "decision"), decision, "%s", query);
	cr_assert_str_eq(api_str(r.json, "rule_id"), rule, "%s", query);
	cr_assert_str_eq(api_str(r.json, "severity"), severity, "%s", query);
	api_str(r.json, "reason");
	g = api_get(r.json, "approver_group");
	if (group == NULL)
		cr_assert_null(g, "%s: %s", query, r.body);
	else
		cr_assert_str_eq(json_object_get_string(g), group);
	api_free(&r);
}

/* Registers MCP server id with the other members `rest` ("" for none). */
static void
register_server(const char *id, const char *rest)
{
	struct api_resp	 r;
	char		 body[1024];

	snprintf(body, sizeof(body), "{\"server_id\":\"%s\"%s%s}", id,
	    *rest != '\0' ? "," : "", rest);
	flow_post("/mcp/servers", body, 200, &r);
	api_free(&r);
}

API_TEST(registry, trust_unregistered_blocks_and_persists_nothing)
{
	struct api_resp	 r;
	char		 id[ID_LEN], q[512], path[1024];

	uid(id, "mcp-ghost");
	snprintf(q, sizeof(q), "server=%s&tool=read_file&capability="
	    "filesystem", id);
	assert_trust(q, "block", "mcp.registry.unknown", "high", NULL);
	snprintf(path, sizeof(path), "/mcp/trust?%s", q);
	flow_get(path, 200, &r);
	cr_assert_str_eq(api_str(r.json, "reason"),
	    "MCP server is not registered.");
	api_free(&r);
	snprintf(path, sizeof(path), "/mcp/servers/%s", id);
	api_req("GET", path, NULL, NULL, &r);
	api_assert_problem(&r, 404);
	api_free(&r);
}

API_TEST(registry, trust_blocked_denied_pending_experimental)
{
	char	 id[ID_LEN], q[512];

	uid(id, "mcp-blk");
	register_server(id, "\"trust_tier\":\"blocked\"");
	snprintf(q, sizeof(q), "server=%s&tool=read_file", id);
	assert_trust(q, "block", "mcp.registry.blocked", "high", NULL);

	uid(id, "mcp-den");
	register_server(id, "\"trust_tier\":\"trusted\","
	    "\"approval_state\":\"denied\"");
	snprintf(q, sizeof(q), "server=%s&tool=read_file", id);
	assert_trust(q, "block", "mcp.registry.blocked", "high", NULL);

	uid(id, "mcp-pend");
	register_server(id, "\"trust_tier\":\"trusted\","
	    "\"approval_state\":\"pending\"");
	snprintf(q, sizeof(q), "server=%s&tool=read_file", id);
	assert_trust(q, "require_approval", "mcp.registry.requires_approval",
	    "medium", "AI Governance");

	uid(id, "mcp-exp");
	register_server(id, "\"trust_tier\":\"experimental\","
	    "\"approval_state\":\"approved\"");
	snprintf(q, sizeof(q), "server=%s&tool=read_file&capability="
	    "filesystem", id);
	assert_trust(q, "require_approval", "mcp.registry.requires_approval",
	    "medium", "AI Governance");

	uid(id, "mcp-unk");
	register_server(id, "");
	snprintf(q, sizeof(q), "server=%s", id);
	assert_trust(q, "require_approval", "mcp.registry.requires_approval",
	    "medium", "AI Governance");
}

API_TEST(registry, trust_scopes_and_allow)
{
	struct api_resp	 r;
	char		 id[ID_LEN], name[ID_LEN], q[512], body[1024];

	uid(id, "github-mcp");
	uid(name, "GitHub");
	snprintf(body, sizeof(body), "{\"server_id\":\"%s\",\"name\":\"%s\","
	    "\"trust_tier\":\"approved\",\"approval_state\":\"approved\","
	    "\"capabilities\":[\"repository\"],"
	    "\"allowed_tools\":[\"create_pull_request\"]}", id, name);
	flow_post("/mcp/servers", body, 200, &r);
	api_free(&r);

	snprintf(q, sizeof(q), "server=%s&tool=create_pull_request"
	    "&capability=repository", id);
	assert_trust(q, "allow", "mcp.registry.allow", "low", NULL);
	snprintf(q, sizeof(q), "server=%s&tool=create_pull_request", id);
	assert_trust(q, "allow", "mcp.registry.allow", "low", NULL);
	snprintf(q, sizeof(q), "server=%s&tool=create_pull_request"
	    "&capability=", id);
	assert_trust(q, "allow", "mcp.registry.allow", "low", NULL);
	/* Looked up by name as well. */
	snprintf(q, sizeof(q), "server=%s&tool=create_pull_request", name);
	assert_trust(q, "allow", "mcp.registry.allow", "low", NULL);
	snprintf(q, sizeof(q), "server=%s&tool=delete_repository"
	    "&capability=repository", id);
	assert_trust(q, "require_approval", "mcp.registry.tool_scope",
	    "medium", "AI Governance");
	/* The tool defaults to "unknown", outside the scope. */
	snprintf(q, sizeof(q), "server=%s", id);
	assert_trust(q, "require_approval", "mcp.registry.tool_scope",
	    "medium", "AI Governance");
	snprintf(q, sizeof(q), "server=%s&tool=create_pull_request"
	    "&capability=shell", id);
	assert_trust(q, "require_approval", "mcp.registry.capability_scope",
	    "medium", "AI Governance");

	/* Empty scopes allow any tool and capability. */
	uid(id, "mcp-open");
	register_server(id, "\"trust_tier\":\"trusted\"");
	snprintf(q, sizeof(q), "server=%s&tool=anything&capability=cloud", id);
	assert_trust(q, "allow", "mcp.registry.allow", "low", NULL);
	snprintf(q, sizeof(q), "/mcp/trust?server=%s", id);
	flow_get(q, 200, &r);
	cr_assert_str_eq(api_str(r.json, "reason"),
	    "MCP server is approved in the trust registry.");
	api_free(&r);
}

API_TEST(registry, trust_requires_server)
{
	struct api_resp	 r;

	api_req("GET", "/mcp/trust", NULL, NULL, &r);
	flow_problem(&r, 422, "query parameter 'server' is required");
	api_free(&r);
	api_req("GET", "/mcp/trust?server=&tool=x", NULL, NULL, &r);
	flow_problem(&r, 422, "query parameter 'server' is required");
	api_free(&r);
}

/* --- Persistence ------------------------------------------------------- */

API_TEST(registry, records_survive_restart)
{
	struct api_resp	 r;
	char		 a[ID_LEN], s[ID_LEN], body[1024], path[512];
	char		 created[64];

	uid(a, "agent-persist");
	uid(s, "mcp-persist");
	snprintf(body, sizeof(body), "{\"agent_id\":\"%s\",\"owner\":\"ops\","
	    "\"x_custom\":\"kept\"}", a);
	flow_post("/agents", body, 200, &r);
	snprintf(created, sizeof(created), "%s", api_str(r.json,
	    "created_at"));
	api_free(&r);
	snprintf(body, sizeof(body), "{\"server_id\":\"%s\",\"trust_tier\":"
	    "\"trusted\",\"allowed_tools\":[\"t\"]}", s);
	flow_post("/mcp/servers", body, 200, &r);
	api_free(&r);

	api_restart();

	snprintf(path, sizeof(path), "/agents/%s", a);
	flow_get(path, 200, &r);
	cr_assert_str_eq(api_str(r.json, "owner"), "ops");
	cr_assert_str_eq(api_str(r.json, "x_custom"), "kept");
	cr_assert_str_eq(api_str(r.json, "created_at"), created);
	api_free(&r);
	snprintf(path, sizeof(path), "/mcp/servers/%s", s);
	flow_get(path, 200, &r);
	cr_assert_str_eq(api_str(r.json, "trust_tier"), "trusted");
	api_free(&r);
	snprintf(path, sizeof(path), "server=%s&tool=t", s);
	assert_trust(path, "allow", "mcp.registry.allow", "low", NULL);

	/* An update after the restart still keeps created_at. */
	snprintf(body, sizeof(body), "{\"agent_id\":\"%s\"}", a);
	flow_post("/agents", body, 200, &r);
	cr_assert_str_eq(api_str(r.json, "created_at"), created);
	api_free(&r);
}

/* --- Policy pack catalog (cavra-policy) -------------------------------- */

API_TEST(registry, policy_pack_catalog)
{
	static const char *const counts[] = { "filesystem", "commands", "git",
	    "mcp", "approvals", "evidence", "compliance", NULL };
	struct api_resp		 r;
	struct json_object	*items, *it, *sum, *rc;
	const char *const	*k;
	size_t			 i, n;
	int			 baseline = 0;

	flow_get("/policy-pack-catalog", 200, &r);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.policy_pack.catalog.v1");
	cr_assert_str_eq(api_str(r.json, "product"), "CAVRA");
	cr_assert_eq(api_int(r.json, "total"), 16);
	items = api_get(r.json, "items");
	n = json_object_array_length(items);
	cr_assert_eq(n, 16);
	assert_sorted(items, "id");
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(items, i);
		api_str(it, "title");
		api_get(it, "description");
		api_get(it, "version");
		sum = api_get(it, "summary");
		api_str(sum, "mode");
		rc = api_get(sum, "rule_counts");
		for (k = counts; *k != NULL; k++)
			api_int(rc, *k);
		if (strcmp(api_str(it, "id"), "cavra-ai-agent-baseline") != 0)
			continue;
		baseline = 1;
		cr_assert_str_eq(api_str(sum, "policy_id"),
		    "cavra-ai-agent-baseline");
		/* Exact counts belong to the policy module's tests; the
		 * baseline has file and command rules. */
		cr_assert_gt(api_int(rc, "filesystem"), 0);
		cr_assert_gt(api_int(rc, "commands"), 0);
	}
	cr_assert(baseline, "cavra-ai-agent-baseline missing");
	api_free(&r);

	api_req("POST", "/policy-pack-catalog", "{}", NULL, &r);
	api_assert_problem(&r, 405);
	api_free(&r);
}
