/*
 * API tests of cavra-inventory through the real stack, on both store
 * backends: repositories (slash ids, raw and %2F, by id or by name,
 * filters, name order), policy rollouts (ids holding '/', the derived
 * id, filters), change plans (operation, field changes, risk and
 * approval requirement), apply-change, and the rollout detail with the
 * decisions of its repository (POST /decisions) and the integrations
 * (POST /integrations).
 *
 * The tests of one store mode share one stack and run two at a time, so
 * record ids and filter values carry a per-test suffix; only the detail
 * test writes decisions and integrations.  apply-change under RBAC runs
 * on a stack of its own (JSON stores, CAVRA_APPROVAL_RBAC_FILE set),
 * started and stopped by that test.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/hooks.h>

#include "extra.h"
#include "flow.h"
#include "harness.h"

#define ID_LEN		128
#define WAIT_MS		5000	/* a stored decision is visible within */
#define BANKING		"cavra-banking-baseline"
#define NO_PACK_NOTE	"Policy pack metadata is not available in this " \
			"deployment."

#define uid(buf, prefix)	api_uid(buf, ID_LEN, prefix)

/* GET a path (a printf format), asserting the status. */
static void
get(struct api_resp *r, long status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
get(struct api_resp *r, long status, const char *fmt, ...)
{
	va_list	 ap;
	char	*path;

	va_start(ap, fmt);
	cr_assert_neq(vasprintf(&path, fmt, ap), -1);
	va_end(ap);
	api_req("GET", path, NULL, NULL, r);
	cr_assert_eq(r->status, status, "GET %s: %ld %s", path, r->status,
	    r->body);
	free(path);
}

/* Asserts a problem of this status whose detail contains want; frees
 * r. */
static void
expect_problem(struct api_resp *r, long status, const char *want)
{
	flow_problem(r, status, want);
	api_free(r);
}

/* s with every '/' as %2F (malloc'ed). */
static char *
esc_slash(const char *s)
{
	char	*out, *p;

	out = p = malloc(strlen(s) * 3 + 1);
	cr_assert_not_null(out);
	for (; *s != '\0'; s++)
		if (*s == '/') {
			memcpy(p, "%2F", 3);
			p += 3;
		} else
			*p++ = *s;
	*p = '\0';
	return out;
}

/* The string member key of items[i]. */
static const char *
item_str(struct json_object *o, size_t i, const char *key)
{
	struct json_object	*items = api_get(o, "items");

	cr_assert_lt(i, json_object_array_length(items), "%s",
	    json_object_to_json_string(o));
	return api_str(json_object_array_get_idx(items, i), key);
}

/* The change of field `field` in a plan's changes, or NULL. */
static struct json_object *
change_of(struct json_object *plan, const char *field)
{
	return flow_find(plan, "changes", "field", field, NULL, NULL);
}

/* ---- repositories ---------------------------------------------------- */

/*
 * A repository named with a slash gets every default, and is the same
 * record by its raw path and by %2F.
 */
API_TEST(inventory, repository_defaults_and_slash_ids)
{
	static const char *const main_only[] = { "main", NULL };
	static const char *const none[] = { NULL };
	struct api_resp	 r, a, b;
	char		 id[ID_LEN], *enc;

	uid(id, "payments/api");
	flow_postf("/repositories", 200, &r, "{\"repository\":\"%s\"}", id);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.repository.v1");
	cr_assert_str_eq(api_str(r.json, "repository_id"), id);
	cr_assert_str_eq(api_str(r.json, "repository"), id);
	cr_assert_str_eq(api_str(r.json, "provider"), "github");
	cr_assert_str_eq(api_str(r.json, "default_branch"), "main");
	cr_assert_str_eq(api_str(r.json, "owner"), "unassigned");
	cr_assert_str_eq(api_str(r.json, "business_unit"), "engineering");
	cr_assert_str_eq(api_str(r.json, "environment"), "development");
	cr_assert_str_eq(api_str(r.json, "policy_pack"),
	    "cavra-ai-agent-baseline");
	cr_assert_str_eq(api_str(r.json, "risk_tier"), "medium");
	cr_assert_str_eq(api_str(r.json, "status"), "active");
	flow_assert_strv(api_get(r.json, "protected_branches"), main_only);
	flow_assert_strv(api_get(r.json, "required_checks"), none);
	flow_assert_strv(api_get(r.json, "evidence_refs"), none);
	flow_assert_ts(r.json, "created_at");
	flow_assert_ts(r.json, "updated_at");

	get(&a, 200, "/repositories/%s", id);
	enc = esc_slash(id);
	get(&b, 200, "/repositories/%s", enc);
	free(enc);
	cr_assert_str_eq(api_str(a.json, "repository_id"), id);
	cr_assert(json_object_equal(a.json, b.json), "%s\n%s", a.body,
	    b.body);
	cr_assert_str_eq(api_str(a.json, "created_at"),
	    api_str(r.json, "created_at"));
	api_free(&r);
	api_free(&a);
	api_free(&b);
}

/*
 * The id is repository_id, else the name (repository, else name); a
 * record is found by its id or its name.  Protected branches: an empty
 * list is ["main"], a given one is kept.  An upsert keeps created_at.
 */
API_TEST(inventory, repository_id_name_and_upsert)
{
	static const char *const rel[] = { "release", "main", NULL };
	static const char *const main_only[] = { "main", NULL };
	struct api_resp	 r, g;
	char		 id[ID_LEN], name[ID_LEN], created[64];

	uid(name, "team/svc");
	flow_postf("/repositories", 200, &r, "{\"name\":\"%s\","
	    "\"protected_branches\":[]}", name);
	cr_assert_str_eq(api_str(r.json, "repository_id"), name);
	cr_assert_str_eq(api_str(r.json, "repository"), name);
	flow_assert_strv(api_get(r.json, "protected_branches"), main_only);
	api_free(&r);

	uid(id, "repo-id");
	uid(name, "team/named");
	flow_postf("/repositories", 200, &r, "{\"repository_id\":\"%s\","
	    "\"repository\":\"%s\",\"protected_branches\":[\"release\","
	    "\"main\"],\"business_unit\":{\"code\":7}}", id, name);
	flow_assert_strv(api_get(r.json, "protected_branches"), rel);
	snprintf(created, sizeof(created), "%s", api_str(r.json,
	    "created_at"));
	api_free(&r);
	get(&g, 200, "/repositories/%s", name);
	cr_assert_str_eq(api_str(g.json, "repository_id"), id);
	cr_assert_eq(api_int(api_get(g.json, "business_unit"), "code"), 7);
	api_free(&g);

	/* The id alone names the record too; an upsert keeps created_at
	 * and moves updated_at. */
	usleep(2000);
	flow_postf("/repositories", 200, &r, "{\"repository_id\":\"%s\","
	    "\"owner\":\"o\"}", id);
	cr_assert_str_eq(api_str(r.json, "repository"), id);
	cr_assert_str_eq(api_str(r.json, "created_at"), created);
	cr_assert_str_neq(api_str(r.json, "updated_at"), created);
	api_free(&r);
}

/* Records that break the table are 400 "invalid repository record". */
API_TEST(inventory, repository_invalid)
{
	struct api_resp	 r;
	char		 id[ID_LEN], *big;

	flow_postf("/repositories", 0, &r, "{}");
	expect_problem(&r, 400, "invalid repository record: repository");
	flow_postf("/repositories", 0, &r,
	    "{\"owner\":\"x\",\"repository\":\"\"}");
	expect_problem(&r, 400, "repository (or name, or repository_id) is "
	    "required");
	flow_postf("/repositories", 0, &r, "{\"repository\":5}");
	expect_problem(&r, 400, "repository must be a string");
	flow_postf("/repositories", 0, &r, "{\"name\":[\"a\"]}");
	expect_problem(&r, 400, "name must be a string");
	uid(id, "bad");
	flow_postf("/repositories", 0, &r, "{\"repository\":\"%s\",\"status\":"
	    "\"gone\"}", id);
	expect_problem(&r, 400, "status must be one of: active, archived, "
	    "disabled");
	flow_postf("/repositories", 0, &r, "{\"repository\":\"%s\","
	    "\"protected_branches\":7}", id);
	expect_problem(&r, 400, "protected_branches must be a list");
	big = malloc(700);
	cr_assert_not_null(big);
	memset(big, 'r', 699);
	big[699] = '\0';
	flow_postf("/repositories", 0, &r, "{\"repository\":\"%s\"}", big);
	expect_problem(&r, 400, "at most 512 bytes");
	free(big);
	get(&r, 404, "/repositories/%s", id);
	expect_problem(&r, 404, "repository not found");
	api_req("POST", "/repositories", "[]", NULL, &r);
	expect_problem(&r, 422, "");
}

/*
 * Filters provider, owner, policy_pack, status and risk_tier are exact;
 * a status outside its enumeration is 422.  Items come in name order,
 * not id order.
 */
API_TEST(inventory, repository_filters_and_order)
{
	struct api_resp	 r;
	char		 owner[ID_LEN], id1[ID_LEN], id2[ID_LEN];
	char		 n1[ID_LEN + 8], n2[ID_LEN + 8];

	uid(owner, "owner");
	uid(id1, "a-id");
	uid(id2, "b-id");
	snprintf(n1, sizeof(n1), "%s/zz", owner);
	snprintf(n2, sizeof(n2), "%s/aa", owner);
	flow_postf("/repositories", 200, &r, "{\"repository_id\":\"%s\","
	    "\"repository\":\"%s\",\"owner\":\"%s\",\"risk_tier\":\"high\","
	    "\"provider\":\"gitlab\",\"policy_pack\":\"" BANKING "\"}", id1,
	    n1, owner);
	api_free(&r);
	flow_postf("/repositories", 200, &r, "{\"repository_id\":\"%s\","
	    "\"repository\":\"%s\",\"owner\":\"%s\",\"status\":"
	    "\"archived\"}", id2, n2, owner);
	api_free(&r);

	get(&r, 200, "/repositories?owner=%s", owner);
	cr_assert_eq(api_int(r.json, "total"), 2, "%s", r.body);
	cr_assert_null(json_object_object_get(r.json, "limit"));
	cr_assert_str_eq(item_str(r.json, 0, "repository"), n2);
	cr_assert_str_eq(item_str(r.json, 1, "repository"), n1);
	api_free(&r);
	get(&r, 200, "/repositories?owner=%s&risk_tier=high", owner);
	cr_assert_eq(api_int(r.json, "total"), 1, "%s", r.body);
	cr_assert_str_eq(item_str(r.json, 0, "repository_id"), id1);
	api_free(&r);
	get(&r, 200, "/repositories?owner=%s&provider=gitlab&policy_pack="
	    BANKING, owner);
	cr_assert_eq(api_int(r.json, "total"), 1, "%s", r.body);
	api_free(&r);
	get(&r, 200, "/repositories?owner=%s&status=archived", owner);
	cr_assert_eq(api_int(r.json, "total"), 1, "%s", r.body);
	cr_assert_str_eq(item_str(r.json, 0, "repository_id"), id2);
	api_free(&r);
	get(&r, 200, "/repositories?owner=%s&status=disabled", owner);
	cr_assert_eq(api_int(r.json, "total"), 0, "%s", r.body);
	api_free(&r);
	get(&r, 422, "/repositories?status=gone");
	expect_problem(&r, 422, "status");
}

/* ---- rollouts -------------------------------------------------------- */

/*
 * Without rollout_id the id is "<repository>:<policy_pack>" (a slash
 * inside), and a rollout_id may hold slashes: both are found by the raw
 * path and by %2F.  Defaults as the contract says.
 */
API_TEST(inventory, rollout_defaults_and_slash_ids)
{
	static const char *const none[] = { NULL };
	struct api_resp	 r, a, b;
	char		 repo[ID_LEN], want[ID_LEN + 64], id[ID_LEN], *enc;

	uid(repo, "payments/api");
	flow_postf("/policy-rollouts", 200, &r, "{\"repository\":\"%s\","
	    "\"policy_pack\":\"" BANKING "\"}", repo);
	snprintf(want, sizeof(want), "%s:" BANKING, repo);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.policy_rollout.v1");
	cr_assert_str_eq(api_str(r.json, "rollout_id"), want);
	cr_assert_str_eq(api_str(r.json, "repository"), repo);
	cr_assert_str_eq(api_str(r.json, "policy_pack"), BANKING);
	cr_assert_str_eq(api_str(r.json, "policy_version"), "latest");
	cr_assert_str_eq(api_str(r.json, "mode"), "enforce");
	cr_assert_str_eq(api_str(r.json, "state"), "planned");
	cr_assert_str_eq(api_str(r.json, "owner"), "platform-security");
	cr_assert_eq(api_int(r.json, "coverage_percent"), 0);
	cr_assert(json_object_is_type(api_get(r.json, "last_evaluated_at"),
	    json_type_null));
	flow_assert_strv(api_get(r.json, "evidence_refs"), none);
	flow_assert_ts(r.json, "created_at");
	api_free(&r);
	get(&a, 200, "/policy-rollouts/%s", want);
	enc = esc_slash(want);
	get(&b, 200, "/policy-rollouts/%s", enc);
	free(enc);
	cr_assert_str_eq(api_str(a.json, "rollout_id"), want);
	cr_assert(json_object_equal(a.json, b.json));
	api_free(&a);
	api_free(&b);

	/* repository_id stands for repository; an explicit id with
	 * slashes. */
	uid(id, "team/x/rollout");
	flow_postf("/policy-rollouts", 200, &r, "{\"rollout_id\":\"%s\","
	    "\"repository_id\":\"%s\",\"policy_pack\":\"p\","
	    "\"coverage_percent\":40,\"mode\":\"audit_only\",\"state\":"
	    "\"paused\",\"last_evaluated_at\":\"2025-01-01T00:00:00+00:00\"}",
	    id, repo);
	cr_assert_str_eq(api_str(r.json, "repository"), repo);
	api_free(&r);
	get(&a, 200, "/policy-rollouts/%s", id);
	cr_assert_str_eq(api_str(a.json, "rollout_id"), id);
	cr_assert_str_eq(api_str(a.json, "mode"), "audit_only");
	cr_assert_eq(api_int(a.json, "coverage_percent"), 40);
	api_free(&a);
	get(&a, 404, "/policy-rollouts/%s/more", id);
	expect_problem(&a, 404, "policy rollout not found");
}

/* Rollouts that break the table are 400 with the reason. */
API_TEST(inventory, rollout_invalid)
{
	struct api_resp	 r;
	char		 repo[ID_LEN], *big;

	uid(repo, "svc");
	flow_postf("/policy-rollouts", 0, &r, "{\"policy_pack\":\"p\"}");
	expect_problem(&r, 400, "invalid policy rollout record: repository "
	    "is required");
	flow_postf("/policy-rollouts", 0, &r, "{\"repository\":\"%s\"}", repo);
	expect_problem(&r, 400, "invalid policy rollout record: policy_pack "
	    "is required");
	flow_postf("/policy-rollouts", 0, &r, "{\"rollout_id\":\"x-%s\","
	    "\"repository\":\"%s\"}", repo, repo);
	expect_problem(&r, 400, "policy_pack is required");
	flow_postf("/policy-rollouts", 0, &r, "{\"repository\":\"%s\","
	    "\"policy_pack\":\"p\",\"state\":\"done\"}", repo);
	expect_problem(&r, 400, "state must be one of: active, paused, "
	    "planned, retired");
	flow_postf("/policy-rollouts", 0, &r, "{\"repository\":\"%s\","
	    "\"policy_pack\":\"p\",\"mode\":\"loud\"}", repo);
	expect_problem(&r, 400, "mode must be one of: audit_only, "
	    "break_glass, enforce, strict");
	flow_postf("/policy-rollouts", 0, &r, "{\"repository\":\"%s\","
	    "\"policy_pack\":\"p\",\"coverage_percent\":\"many\"}", repo);
	expect_problem(&r, 400, "coverage_percent must be a non-negative "
	    "integer");
	flow_postf("/policy-rollouts", 0, &r, "{\"repository\":[1],"
	    "\"policy_pack\":\"p\"}");
	expect_problem(&r, 400, "repository must be a string");
	/* The derived id may not pass the id limit. */
	big = malloc(400);
	cr_assert_not_null(big);
	memset(big, 'q', 399);
	big[399] = '\0';
	flow_postf("/policy-rollouts", 0, &r, "{\"repository\":\"%s\","
	    "\"policy_pack\":\"%s\"}", big, big);
	expect_problem(&r, 400, "rollout_id (repository:policy_pack) must be "
	    "at most 512 bytes");
	free(big);
	get(&r, 200, "/policy-rollouts?repository=%s", repo);
	cr_assert_eq(api_int(r.json, "total"), 0, "%s", r.body);
	api_free(&r);
}

/*
 * Filters repository, policy_pack, state, mode and owner; items in
 * rollout_id order; a state or mode outside its enumeration is 422.
 */
API_TEST(inventory, rollout_filters)
{
	struct api_resp	 r;
	char		 owner[ID_LEN], repo[ID_LEN];

	uid(owner, "owner");
	uid(repo, "team/filtered");
	flow_postf("/policy-rollouts", 200, &r, "{\"rollout_id\":\"%s/b\","
	    "\"repository\":\"%s\",\"policy_pack\":\"p1\",\"owner\":\"%s\","
	    "\"state\":\"active\",\"mode\":\"strict\"}", owner, repo, owner);
	api_free(&r);
	flow_postf("/policy-rollouts", 200, &r, "{\"rollout_id\":\"%s/a\","
	    "\"repository\":\"%s\",\"policy_pack\":\"p2\",\"owner\":\"%s\"}",
	    owner, repo, owner);
	api_free(&r);

	get(&r, 200, "/policy-rollouts?owner=%s", owner);
	cr_assert_eq(api_int(r.json, "total"), 2, "%s", r.body);
	cr_assert(strcmp(item_str(r.json, 0, "rollout_id"),
	    item_str(r.json, 1, "rollout_id")) < 0, "%s", r.body);
	api_free(&r);
	get(&r, 200, "/policy-rollouts?repository=%s&policy_pack=p1", repo);
	cr_assert_eq(api_int(r.json, "total"), 1, "%s", r.body);
	cr_assert_str_eq(item_str(r.json, 0, "policy_pack"), "p1");
	api_free(&r);
	get(&r, 200, "/policy-rollouts?owner=%s&state=active&mode=strict",
	    owner);
	cr_assert_eq(api_int(r.json, "total"), 1, "%s", r.body);
	api_free(&r);
	get(&r, 200, "/policy-rollouts?owner=%s&mode=enforce", owner);
	cr_assert_eq(api_int(r.json, "total"), 1, "%s", r.body);
	cr_assert_str_eq(item_str(r.json, 0, "policy_pack"), "p2");
	api_free(&r);
	get(&r, 422, "/policy-rollouts?state=done");
	expect_problem(&r, 422, "state");
	get(&r, 422, "/policy-rollouts?mode=loud");
	expect_problem(&r, 422, "mode");
}

/* ---- change plans ---------------------------------------------------- */

/*
 * A plan for a rollout that does not exist is a create: before null,
 * every field a change from null, risk at least medium; nothing is
 * stored.
 */
API_TEST(inventory, change_plan_create_writes_nothing)
{
	struct api_resp	 r, g;
	struct json_object *c;
	char		 repo[ID_LEN], id[ID_LEN + 64];

	uid(repo, "plan/new");
	flow_postf("/policy-rollouts/change-plan", 200, &r,
	    "{\"repository\":\"%s\","
	    "\"policy_pack\":\"" BANKING "\"}", repo);
	snprintf(id, sizeof(id), "%s:" BANKING, repo);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.policy_rollout.change_plan.v1");
	cr_assert_str_eq(api_str(r.json, "product"), "CAVRA");
	flow_assert_ts(r.json, "generated_at");
	cr_assert_str_eq(api_str(r.json, "operation"), "create");
	cr_assert(json_object_is_type(api_get(r.json, "before"),
	    json_type_null));
	cr_assert_str_eq(api_str(api_get(r.json, "after"), "rollout_id"),
	    id);
	cr_assert_eq(json_object_array_length(api_get(r.json, "changes")),
	    json_object_object_length(api_get(r.json, "after")));
	c = change_of(r.json, "mode");
	cr_assert_not_null(c);
	cr_assert(json_object_is_type(api_get(c, "before"), json_type_null));
	cr_assert_str_eq(api_str(c, "after"), "enforce");
	cr_assert_str_eq(api_str(r.json, "risk"), "medium");
	cr_assert_eq(json_object_get_boolean(api_get(r.json,
	    "approval_required")), 0);
	cr_assert_eq(json_object_array_length(api_get(r.json,
	    "operator_notes")), 1);
	api_free(&r);
	get(&g, 404, "/policy-rollouts/%s", id);
	api_free(&g);

	flow_postf("/policy-rollouts/change-plan", 0, &r,
	    "{\"changes\":\"mode\"}");
	expect_problem(&r, 400, "changes must be an object");
	flow_postf("/policy-rollouts/change-plan", 0, &r,
	    "{\"repository\":\"%s\"}",
	    repo);
	expect_problem(&r, 400, "policy_pack is required");
	flow_postf("/policy-rollouts/change-plan", 0, &r, "{\"rollout_id\":7}");
	expect_problem(&r, 400, "rollout_id must be a string");
}

/* Seeds rollout id (mode, state) and asserts 200. */
static void
seed_rollout(const char *id, const char *mode, const char *state)
{
	struct api_resp	 r;

	flow_postf("/policy-rollouts", 200, &r, "{\"rollout_id\":\"%s\","
	    "\"repository\":\"payments/api\",\"policy_pack\":\"" BANKING "\","
	    "\"mode\":\"%s\",\"state\":\"%s\"}", id, mode, state);
	api_free(&r);
}

/* The plan of changes (JSON members) to rollout id: risk and approval
 * as expected.  The answer stays in r. */
static void
plan_expect(struct api_resp *r, const char *id, const char *changes,
    const char *risk, int approval)
{
	flow_postf("/policy-rollouts/change-plan", 200, r,
	    "{\"rollout_id\":\"%s\","
	    "\"changes\":{%s}}", id, changes);
	cr_assert_str_eq(api_str(r->json, "operation"), "update");
	cr_assert_str_eq(api_str(r->json, "risk"), risk, "%s: %s", changes,
	    r->body);
	cr_assert_eq(json_object_get_boolean(api_get(r->json,
	    "approval_required")), approval, "%s: %s", changes, r->body);
}

/*
 * Risk: critical for break-glass, high from audit-only to enforcing,
 * medium for strict or active, low otherwise; approval is required for
 * high, critical, strict and break-glass.  An update lists only the
 * fields that change (updated_at always).
 */
API_TEST(inventory, change_plan_risk_and_approval)
{
	struct api_resp	 r;
	struct json_object *notes;
	char		 audit[ID_LEN], enf[ID_LEN];

	uid(audit, "risk/audit");
	uid(enf, "risk/enforce");
	seed_rollout(audit, "audit_only", "planned");
	seed_rollout(enf, "enforce", "planned");

	plan_expect(&r, audit, "\"mode\":\"enforce\"", "high", 1);
	notes = api_get(r.json, "operator_notes");
	cr_assert(flow_has(notes, "Route this rollout change through "
	    "security approval before enforcement."), "%s", r.body);
	cr_assert_eq(json_object_array_length(api_get(r.json, "changes")), 2,
	    "%s", r.body);
	cr_assert_str_eq(api_str(change_of(r.json, "mode"), "before"),
	    "audit_only");
	cr_assert_not_null(change_of(r.json, "updated_at"));
	cr_assert_null(change_of(r.json, "state"));
	cr_assert_str_eq(api_str(api_get(r.json, "before"), "mode"),
	    "audit_only");
	api_free(&r);
	plan_expect(&r, audit, "\"mode\":\"strict\"", "high", 1);
	api_free(&r);
	plan_expect(&r, enf, "\"mode\":\"break_glass\"", "critical", 1);
	api_free(&r);
	/* 14 item 9: strict and active need an approval. */
	plan_expect(&r, enf, "\"mode\":\"strict\",\"state\":\"active\"",
	    "medium", 1);
	cr_assert_eq(json_object_array_length(api_get(r.json,
	    "operator_notes")), 1);
	api_free(&r);
	plan_expect(&r, enf, "\"state\":\"active\"", "medium", 0);
	api_free(&r);
	plan_expect(&r, enf, "\"state\":\"paused\"", "low", 0);
	api_free(&r);
	plan_expect(&r, audit, "\"owner\":\"o\"", "low", 0);
	api_free(&r);
	plan_expect(&r, enf, "\"owner\":\"o\",\"policy_version\":\"2\","
	    "\"coverage_percent\":10", "medium", 0);
	api_free(&r);

	/* The whole body as the change, actor keys left out. */
	flow_postf("/policy-rollouts/change-plan", 200, &r,
	    "{\"rollout_id\":\"%s\","
	    "\"state\":\"active\",\"actor\":\"alice\"}", enf);
	cr_assert_str_eq(api_str(r.json, "risk"), "medium");
	cr_assert_null(json_object_object_get(api_get(r.json, "after"),
	    "actor"), "%s", r.body);
	api_free(&r);
	flow_postf("/policy-rollouts/change-plan", 0, &r,
	    "{\"rollout_id\":\"%s\","
	    "\"changes\":{\"state\":\"done\"}}", enf);
	expect_problem(&r, 400, "state must be one of");
}

/* ---- apply-change ---------------------------------------------------- */

/*
 * apply-change stores the plan's after record (created_at kept) and
 * answers the plan, the stored record and, without OIDC or RBAC, a null
 * actor; approval_required is reported, not enforced.
 */
API_TEST(inventory, apply_change_persists)
{
	struct api_resp	 r, g;
	struct json_object *ro;
	char		 id[ID_LEN], repo[ID_LEN], created[64],
	    want[ID_LEN + 64];

	uid(id, "apply/rollout");
	seed_rollout(id, "enforce", "planned");
	get(&g, 200, "/policy-rollouts/%s", id);
	snprintf(created, sizeof(created), "%s", api_str(g.json,
	    "created_at"));
	api_free(&g);

	flow_postf("/policy-rollouts/apply-change", 200, &r,
	    "{\"rollout_id\":\"%s\","
	    "\"changes\":{\"mode\":\"strict\",\"state\":\"active\"}}", id);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.policy_rollout.change_result.v1");
	cr_assert_str_eq(api_str(r.json, "product"), "CAVRA");
	cr_assert(json_object_is_type(api_get(r.json, "actor"),
	    json_type_null));
	cr_assert_eq(json_object_get_boolean(api_get(api_get(r.json, "plan"),
	    "approval_required")), 1);
	ro = api_get(r.json, "rollout");
	cr_assert_str_eq(api_str(ro, "rollout_id"), id);
	cr_assert_str_eq(api_str(ro, "mode"), "strict");
	cr_assert_str_eq(api_str(ro, "created_at"), created);
	api_free(&r);
	get(&g, 200, "/policy-rollouts/%s", id);
	cr_assert_str_eq(api_str(g.json, "mode"), "strict");
	cr_assert_str_eq(api_str(g.json, "state"), "active");
	cr_assert_str_eq(api_str(g.json, "created_at"), created);
	api_free(&g);

	/* A create through apply-change, with the derived slash id; the
	 * body's actor is not a field of the record. */
	uid(repo, "apply/new");
	flow_postf("/policy-rollouts/apply-change", 200, &r,
	    "{\"repository\":\"%s\","
	    "\"policy_pack\":\"p\",\"actor\":\"alice\"}", repo);
	snprintf(want, sizeof(want), "%s:p", repo);
	cr_assert_str_eq(api_str(api_get(r.json, "plan"), "operation"),
	    "create");
	cr_assert_str_eq(api_str(api_get(r.json, "rollout"), "rollout_id"),
	    want);
	api_free(&r);
	get(&g, 200, "/policy-rollouts/%s", want);
	cr_assert_null(json_object_object_get(g.json, "actor"), "%s", g.body);
	api_free(&g);

	/* A bad change stores nothing. */
	flow_postf("/policy-rollouts/apply-change", 0, &r,
	    "{\"rollout_id\":\"%s\","
	    "\"changes\":{\"mode\":\"loud\"}}", id);
	expect_problem(&r, 400, "mode must be one of");
	get(&g, 200, "/policy-rollouts/%s", id);
	cr_assert_str_eq(api_str(g.json, "mode"), "strict");
	api_free(&g);
	/* Without OIDC, an actor_token is a configuration error. */
	flow_postf("/policy-rollouts/apply-change", 0, &r,
	    "{\"rollout_id\":\"%s\","
	    "\"actor_token\":\"a.b.c\"}", id);
	expect_problem(&r, 400, "OIDC");
}

/* ---- detail ---------------------------------------------------------- */

/* POSTs a decision of repository payments/api under BANKING; its
 * decision and severity into dec and sev (64 bytes each). */
static void
decide(const char *target, char *dec, char *sev)
{
	struct api_resp	 r;
	char		 sid[ID_LEN];

	uid(sid, "inventory-session");
	flow_postf("/decisions", 200, &r,
	    "{\"action_type\":\"execute_command\","
	    "\"target\":\"%s\",\"repository\":\"payments/api\","
	    "\"policy_pack\":\"" BANKING "\",\"session_id\":\"%s\"}", target,
	    sid);
	snprintf(dec, 64, "%s", api_str(r.json, "decision"));
	snprintf(sev, 64, "%s", api_str(r.json, "severity"));
	api_free(&r);
}

/* GETs the detail at path until its activity total reaches want (the
 * decisions are stored behind their answer). */
static void
detail_wait(const char *path, long long want, struct api_resp *r)
{
	long long	 until = flow_now_ms() + WAIT_MS;

	for (;;) {
		get(r, 200, "%s", path);
		if (api_int(api_get(r->json, "activity_summary"), "total") >=
		    want || flow_now_ms() > until)
			break;
		api_free(r);
		usleep(50000);
	}
	cr_assert_eq(api_int(api_get(r->json, "activity_summary"), "total"),
	    want, "%s", r->body);
}

/* Asserts counts[key] == n. */
static void
count_is(struct json_object *counts, const char *key, long long n)
{
	cr_assert_eq(api_int(counts, key), n, "%s: %s", key,
	    json_object_to_json_string(counts));
}

/*
 * 14 item 8: the detail of a rollout of payments/api (both routes) has
 * its repository, pack metadata, the decisions of the repository under
 * the pack (counted; another pack's are not) and the integrations by
 * category and health; readiness passes when coverage, repository and
 * integrations are there.  A rollout of an unregistered repository and
 * an unknown pack needs attention.
 */
API_TEST(inventory, detail_summaries_and_readiness)
{
	struct api_resp	 r, a;
	struct json_object *act, *integ, *pack, *checks, *c;
	char		 d1[64], s1[64], d2[64], s2[64], path[512], id[ID_LEN];
	char		 other[ID_LEN], sid[ID_LEN];
	size_t		 i;

	flow_postf("/repositories", 200, &r, "{\"repository\":\"payments/api\","
	    "\"risk_tier\":\"high\"}");
	api_free(&r);
	flow_postf("/policy-rollouts", 200, &r, "{\"rollout_id\":"
	    "\"payments-api-banking\",\"repository\":\"payments/api\","
	    "\"policy_pack\":\"" BANKING "\",\"coverage_percent\":85}");
	api_free(&r);
	flow_postf("/integrations", 200, &r, "{\"provider\":\"github\","
	    "\"category\":\"source_control\",\"status\":\"active\","
	    "\"health_status\":\"healthy\"}");
	api_free(&r);
	flow_postf("/integrations", 200, &r, "{\"provider\":\"splunk\","
	    "\"category\":\"siem\",\"status\":\"planned\"}");
	api_free(&r);
	decide("terraform apply -auto-approve", d1, s1);
	decide("ls", d2, s2);
	/* Another pack's decision of the same repository is not counted. */
	uid(sid, "inventory-other");
	flow_postf("/decisions", 200, &r,
	    "{\"action_type\":\"execute_command\","
	    "\"target\":\"ls\",\"repository\":\"payments/api\","
	    "\"session_id\":\"%s\"}", sid);
	api_free(&r);

	detail_wait("/policy-rollouts/payments-api-banking/detail", 2, &r);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.policy_rollout.detail.v1");
	cr_assert_str_eq(api_str(api_get(r.json, "rollout"), "rollout_id"),
	    "payments-api-banking");
	cr_assert_str_eq(api_str(api_get(r.json, "repository"),
	    "risk_tier"), "high");
	pack = api_get(r.json, "policy_pack");
	cr_assert_str_eq(api_str(pack, "id"), BANKING);
	cr_assert(json_object_is_type(api_get(pack, "title"),
	    json_type_string));
	cr_assert_str_neq(api_str(pack, "description"), NO_PACK_NOTE);
	cr_assert(json_object_is_type(api_get(api_get(pack, "rule_summary"),
	    "filesystem"), json_type_int));
	act = api_get(r.json, "activity_summary");
	cr_assert_eq(api_int(act, "sample_size"), 2);
	if (strcmp(d1, d2) == 0)
		count_is(api_get(act, "outcomes"), d1, 2);
	else {
		count_is(api_get(act, "outcomes"), d1, 1);
		count_is(api_get(act, "outcomes"), d2, 1);
	}
	if (strcmp(s1, s2) == 0)
		count_is(api_get(act, "severities"), s1, 2);
	else {
		count_is(api_get(act, "severities"), s1, 1);
		count_is(api_get(act, "severities"), s2, 1);
	}
	cr_assert_eq(json_object_array_length(api_get(act,
	    "recent_decisions")), 2);
	integ = api_get(r.json, "integration_summary");
	cr_assert_eq(api_int(integ, "total"), 2, "%s", r.body);
	count_is(api_get(integ, "by_category"), "source_control", 1);
	count_is(api_get(integ, "by_category"), "siem", 1);
	count_is(api_get(integ, "by_health"), "healthy", 1);
	count_is(api_get(integ, "by_health"), "not_checked", 1);
	cr_assert_eq(json_object_array_length(api_get(integ,
	    "active_or_configured")), 1, "%s", r.body);
	cr_assert_str_eq(api_str(api_get(r.json, "readiness"), "status"),
	    "ready", "%s", r.body);
	checks = api_get(api_get(r.json, "readiness"), "checks");
	cr_assert_eq(json_object_array_length(checks), 4);
	for (i = 0; i < 4; i++)
		cr_assert_str_eq(api_str(json_object_array_get_idx(checks, i),
		    "status"), "pass", "%s", r.body);
	cr_assert_str_eq(api_str(json_object_array_get_idx(checks, 1),
	    "message"), "Coverage is 85%.");

	/* The slash-tolerant route gives the same detail. */
	get(&a, 200, "/policy-rollout-details/payments-api-banking");
	cr_assert(json_object_equal(api_get(a.json, "activity_summary"),
	    act), "%s", a.body);
	api_free(&a);
	api_free(&r);

	/* An unregistered repository, an unknown pack, coverage 0, and an
	 * id with a slash. */
	uid(other, "detail/unregistered");
	uid(id, "detail/rollout");
	flow_postf("/policy-rollouts", 200, &r, "{\"rollout_id\":\"%s\","
	    "\"repository\":\"%s\",\"policy_pack\":\"no-such-pack\","
	    "\"policy_version\":\"9.9\"}", id, other);
	api_free(&r);
	snprintf(path, sizeof(path), "/policy-rollout-details/%s", id);
	get(&r, 200, "%s", path);
	cr_assert(json_object_is_type(api_get(r.json, "repository"),
	    json_type_null));
	pack = api_get(r.json, "policy_pack");
	cr_assert_str_eq(api_str(pack, "id"), "no-such-pack");
	cr_assert_str_eq(api_str(pack, "title"), "no-such-pack");
	cr_assert_str_eq(api_str(pack, "description"), NO_PACK_NOTE);
	cr_assert_str_eq(api_str(pack, "version"), "9.9");
	act = api_get(r.json, "activity_summary");
	cr_assert_eq(api_int(act, "total"), 0);
	cr_assert_eq(json_object_object_length(api_get(act, "outcomes")), 0);
	cr_assert_str_eq(api_str(api_get(r.json, "readiness"), "status"),
	    "needs_attention");
	checks = api_get(api_get(r.json, "readiness"), "checks");
	c = json_object_array_get_idx(checks, 0);
	cr_assert_str_eq(api_str(c, "id"), "repository_registered");
	cr_assert_str_eq(api_str(c, "status"), "warn");
	c = json_object_array_get_idx(checks, 1);
	cr_assert_str_eq(api_str(c, "status"), "warn");
	cr_assert_str_eq(api_str(c, "message"), "Coverage is 0%.");
	api_free(&r);
}

/* Unknown rollouts are 404 on every detail route. */
API_TEST(inventory, detail_not_found)
{
	struct api_resp	 r;
	char		 id[ID_LEN];

	uid(id, "none");
	get(&r, 404, "/policy-rollouts/%s/detail", id);
	expect_problem(&r, 404, "policy rollout not found");
	get(&r, 404, "/policy-rollout-details/%s", id);
	expect_problem(&r, 404, "policy rollout not found");
	get(&r, 404, "/policy-rollout-details/a/%s", id);
	expect_problem(&r, 404, "policy rollout not found");
	get(&r, 404, "/policy-rollouts/%s", id);
	expect_problem(&r, 404, "policy rollout not found");
}

/* ---- apply-change under RBAC ----------------------------------------- */

/* A stack of this test's own with CAVRA_APPROVAL_RBAC_FILE (JSON
 * stores), made the "json" stack of this process. */
static void
rbac_start(void)
{
	static const char *const files[] = { "CAVRA_APPROVAL_RBAC_FILE",
	    "rbac.json", "{\"group_mappings\": {\"okta-platform\": "
	    "\"Platform\"}, \"repository_permissions\": [{\"repository\": "
	    "\"payments/api\", \"groups\": [\"Platform\"], \"actions\": "
	    "[\"approved\"]}]}", NULL };

	unsetenv("CAVRA_APPROVAL_OIDC_CONFIG");
	extra_own("rbac", files);
}

static void
rbac_stop(void)
{
	extra_stop("rbac");
}

EXTRA_INIT_HOOK("test_inventory")
EXTRA_STOP_HOOK

/*
 * With RBAC configured, apply-change needs an actor: none, or a header
 * that is not Bearer, is 401 with WWW-Authenticate: Bearer and stores
 * nothing; actor_claims (RBAC alone: accepted unverified) apply the
 * change and are the answer's actor.  change-plan and the plain upsert
 * need no actor.
 */
Test(inventory_rbac, apply_change_needs_actor, .init = rbac_start,
    .fini = rbac_stop)
{
	static const char *const basic[] = { "Authorization: Basic eDp5",
	    NULL };
	struct api_resp	 r;
	struct json_object *actor;
	char		*wa;

	flow_postf("/policy-rollouts", 200, &r,
	    "{\"rollout_id\":\"rbac-rollout\","
	    "\"repository\":\"payments/api\",\"policy_pack\":\"" BANKING "\"}");
	api_free(&r);
	flow_postf("/policy-rollouts/change-plan", 200, &r, "{\"rollout_id\":"
	    "\"rbac-rollout\",\"changes\":{\"state\":\"active\"}}");
	api_free(&r);

	flow_postf("/policy-rollouts/apply-change", 0, &r, "{\"rollout_id\":"
	    "\"rbac-rollout\",\"changes\":{\"state\":\"active\"}}");
	api_assert_problem(&r, 401);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "console action requires verified actor context");
	wa = api_header(&r, "WWW-Authenticate");
	cr_assert(wa != NULL && strncmp(wa, "Bearer", 6) == 0, "%s",
	    r.headers);
	free(wa);
	api_free(&r);
	api_req("POST", "/policy-rollouts/apply-change", "{\"rollout_id\":"
	    "\"rbac-rollout\",\"changes\":{\"state\":\"active\"}}", basic, &r);
	expect_problem(&r, 401, "Bearer");
	get(&r, 200, "/policy-rollouts/rbac-rollout");
	cr_assert_str_eq(api_str(r.json, "state"), "planned");
	api_free(&r);

	flow_postf("/policy-rollouts/apply-change", 200, &r, "{\"rollout_id\":"
	    "\"rbac-rollout\",\"changes\":{\"state\":\"active\"},"
	    "\"actor_claims\":{\"email\":\"alice@example.com\",\"sub\":"
	    "\"u1\",\"groups\":[\"okta-platform\"]}}");
	actor = api_get(r.json, "actor");
	cr_assert_str_eq(api_str(actor, "actor"), "alice@example.com");
	cr_assert_str_eq(api_str(actor, "subject"), "u1");
	cr_assert(flow_has(api_get(actor, "groups"), "Platform"), "%s",
	    r.body);
	cr_assert_str_eq(api_str(api_get(r.json, "rollout"), "state"),
	    "active");
	cr_assert_null(json_object_object_get(api_get(r.json, "rollout"),
	    "actor_claims"), "%s", r.body);
	api_free(&r);
	get(&r, 200, "/policy-rollouts/rbac-rollout");
	cr_assert_str_eq(api_str(r.json, "state"), "active");
	api_free(&r);
}
