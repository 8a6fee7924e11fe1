/*
 * cavra-aispm: the two packet validators.  A packet is checked first
 * against its JSON Schema (the subset these schemas use: type, const,
 * enum, required, properties, items, minItems, minimum,
 * additionalProperties), then for meaning (counts that must agree,
 * values that must stay what Community promises).  Each problem is a
 * {path, message} with a "$.a.b.0" path and the wording of Python's
 * jsonschema, so that a script written against CAVRA reads the same
 * messages.  Nothing is written.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cavra.h"
#include "aispm.h"

#define PACKET_FILE	"cavra-replay-policy-review-packet.json"
#define CI_COMMAND	"cavra aispm validate-ci-gate-readiness " \
			"cavra-replay-policy-ci-gate-readiness.json --repo-root ."
#define CI_ENDPOINT	"/aispm/replay-to-policy-ci-gate-readiness/validate"
#define REVIEW_CHECK	"cavra-aispm-review-packet"

static const char review_schema[] = "{\"type\":\"object\",\"required\":"
    "[\"schema_version\",\"product\",\"edition\",\"mode\","
    "\"data_provenance\",\"source\",\"review_summary\",\"review_checklist\","
    "\"policy_draft\",\"test_fixture\",\"export\",\"redaction\"],"
    "\"properties\":{"
    "\"schema_version\":{\"const\":"
    "\"cavra.aispm.replay_to_policy_review_packet.v1\"},"
    "\"product\":{\"const\":\"CAVRA\"},"
    "\"edition\":{\"const\":\"community\"},"
    "\"mode\":{\"const\":\"review_packet_export\"},"
    "\"tracking\":{\"const\":\"none\"},"
    "\"telemetry\":{\"const\":\"disabled\"},"
    "\"generated_at\":{\"type\":\"string\"},"
    "\"data_provenance\":{\"type\":\"object\",\"required\":[\"draft\","
    "\"tests\"],\"properties\":{"
    "\"draft\":{\"enum\":[\"local_activity_store\",\"sample_data\"]},"
    "\"tests\":{\"enum\":[\"local_activity_store\",\"sample_data\"]}}},"
    "\"source\":{\"type\":\"object\",\"required\":[\"session_id\","
    "\"draft_schema_version\",\"test_schema_version\"],\"properties\":{"
    "\"session_id\":{\"type\":[\"string\",\"null\"]},"
    "\"draft_schema_version\":{\"const\":"
    "\"cavra.aispm.replay_to_policy_draft.v1\"},"
    "\"test_schema_version\":{\"const\":"
    "\"cavra.aispm.replay_to_policy_tests.v1\"}}},"
    "\"review_summary\":{\"type\":\"object\",\"required\":[\"status\","
    "\"checks_passed\",\"checks_total\",\"ci_adoption\","
    "\"approval_required\"],\"properties\":{"
    "\"status\":{\"type\":\"string\"},"
    "\"checks_passed\":{\"type\":\"integer\",\"minimum\":0},"
    "\"checks_total\":{\"type\":\"integer\",\"minimum\":0},"
    "\"ci_adoption\":{\"const\":\"requires_human_review\"},"
    "\"approval_required\":{\"const\":true}}},"
    "\"review_checklist\":{\"type\":\"array\",\"minItems\":1,\"items\":{"
    "\"type\":\"object\",\"required\":[\"label\",\"status\",\"detail\"],"
    "\"properties\":{\"label\":{\"type\":\"string\"},"
    "\"status\":{\"enum\":[\"pass\",\"review_required\",\"not_ready\"]},"
    "\"detail\":{\"type\":\"string\"}}}},"
    "\"policy_draft\":{\"type\":\"object\"},"
    "\"test_fixture\":{\"type\":\"object\",\"required\":[\"schema_version\","
    "\"policy_id\",\"source_scope\",\"case_count\",\"cases\","
    "\"validation\"],\"properties\":{"
    "\"schema_version\":{\"const\":"
    "\"cavra.policy_tests.replay_to_policy.v1\"},"
    "\"policy_id\":{\"type\":\"string\"},"
    "\"source_scope\":{\"type\":\"string\"},"
    "\"case_count\":{\"type\":\"integer\",\"minimum\":0},"
    "\"cases\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"required\":[\"case_id\",\"description\",\"input\",\"expected\","
    "\"assertion_type\",\"public_safe\"],\"properties\":{"
    "\"case_id\":{\"type\":\"string\"},"
    "\"recommendation_id\":{\"type\":[\"string\",\"null\"]},"
    "\"decision_id\":{\"type\":[\"string\",\"null\"]},"
    "\"description\":{\"type\":\"string\"},"
    "\"input\":{\"type\":\"object\"},"
    "\"expected\":{\"type\":\"object\"},"
    "\"assertion_type\":{\"type\":\"string\"},"
    "\"public_safe\":{\"const\":true},"
    "\"evidence_refs\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"string\"}}}}},"
    "\"validation\":{\"type\":\"object\"}}},"
    "\"export\":{\"type\":\"object\",\"required\":[\"status\",\"filename\","
    "\"intended_use\"],\"properties\":{"
    "\"status\":{\"const\":\"review_only_packet\"},"
    "\"filename\":{\"const\":\"" PACKET_FILE "\"},"
    "\"intended_use\":{\"type\":\"string\"}}},"
    "\"redaction\":{\"type\":\"object\"}}}";

static const char ci_schema[] = "{\"type\":\"object\",\"required\":"
    "[\"schema_version\",\"product\",\"edition\",\"mode\",\"source\","
    "\"required_packet\",\"gates\",\"validation\",\"readiness_checklist\","
    "\"enterprise_boundaries\"],\"properties\":{"
    "\"schema_version\":{\"const\":"
    "\"cavra.aispm.replay_to_policy_ci_gate_readiness.v1\"},"
    "\"product\":{\"const\":\"CAVRA\"},"
    "\"edition\":{\"const\":\"community\"},"
    "\"mode\":{\"const\":\"ci_gate_readiness_export\"},"
    "\"tracking\":{\"const\":\"none\"},"
    "\"telemetry\":{\"const\":\"disabled\"},"
    "\"generated_at\":{\"type\":\"string\"},"
    "\"source\":{\"type\":\"object\",\"required\":[\"review_packet\","
    "\"review_packet_status\",\"review_summary_status\",\"checks_passed\","
    "\"checks_total\"],\"properties\":{"
    "\"review_packet\":{\"const\":\"" PACKET_FILE "\"},"
    "\"review_packet_status\":{\"const\":\"review_only_packet\"},"
    "\"review_summary_status\":{\"type\":\"string\"},"
    "\"checks_passed\":{\"type\":\"integer\",\"minimum\":0},"
    "\"checks_total\":{\"type\":\"integer\",\"minimum\":0}}},"
    "\"required_packet\":{\"type\":\"object\",\"required\":[\"filename\","
    "\"purpose\"],\"properties\":{"
    "\"filename\":{\"const\":\"" PACKET_FILE "\"},"
    "\"purpose\":{\"type\":\"string\"}}},"
    "\"gates\":{\"type\":\"array\",\"minItems\":1,\"items\":{"
    "\"type\":\"object\",\"required\":[\"platform\",\"required_check\","
    "\"template_path\",\"setup\",\"enforcement\"],\"properties\":{"
    "\"platform\":{\"type\":\"string\"},"
    "\"required_check\":{\"const\":\"" REVIEW_CHECK "\"},"
    "\"template_path\":{\"type\":\"string\"},"
    "\"setup\":{\"type\":\"string\"},"
    "\"enforcement\":{\"type\":\"string\"}}}},"
    "\"validation\":{\"type\":\"object\",\"required\":[\"cli_command\","
    "\"api_endpoint\"],\"properties\":{"
    "\"cli_command\":{\"const\":\"" CI_COMMAND "\"},"
    "\"api_endpoint\":{\"const\":\"" CI_ENDPOINT "\"}}},"
    "\"readiness_checklist\":{\"type\":\"array\",\"minItems\":1,"
    "\"items\":{\"type\":\"string\"}},"
    "\"enterprise_boundaries\":{\"type\":\"object\","
    "\"additionalProperties\":{\"const\":\"" AISPM_LOCKED "\"}}}}";

/* An error being gathered: its path and message. */
struct verr {
	const char	*path;
	const char	*msg;
};

struct vctx {
	struct cv_arena	*a;
	struct verr	*v;
	size_t		 n;
	size_t		 cap;
};

static void
verr_add(struct vctx *c, const char *path, const char *msg)
{
	struct verr	*nv;

	if (c->n == c->cap) {
		c->cap = c->cap == 0 ? 16 : c->cap * 2;
		nv = cv_arena_alloc(c->a, c->cap * sizeof(*nv));
		if (c->n > 0)
			memcpy(nv, c->v, c->n * sizeof(*nv));
		c->v = nv;
	}
	c->v[c->n].path = path;
	c->v[c->n++].msg = msg;
}

/* "<repr of o><tail>" into the arena. */
static const char *
msg_of(struct vctx *c, struct json_object *o, const char *tail)
{
	struct cv_text	 t = { NULL, 0, 0 };
	const char	*r;

	cv_json_pyrepr(&t, o);
	cv_text_str(&t, tail);
	r = cv_arena_strdup(c->a, t.p);
	free(t.p);
	return r;
}

static int
type_is(struct json_object *o, const char *type)
{
	enum json_type	 t = json_object_get_type(o);
	double		 d;

	if (strcmp(type, "object") == 0)
		return t == json_type_object;
	if (strcmp(type, "array") == 0)
		return t == json_type_array;
	if (strcmp(type, "string") == 0)
		return t == json_type_string;
	if (strcmp(type, "boolean") == 0)
		return t == json_type_boolean;
	if (strcmp(type, "null") == 0)
		return t == json_type_null;
	if (strcmp(type, "integer") == 0) {
		if (t == json_type_int)
			return 1;
		d = json_object_get_double(o);
		return t == json_type_double && d == (double)(int64_t)d;
	}
	if (strcmp(type, "number") == 0)
		return t == json_type_int || t == json_type_double;
	return 0;
}

/* Whether two JSON values are equal as JSON Schema compares them. */
static int
json_equal(struct json_object *a, struct json_object *b)
{
	if (json_object_get_type(a) != json_object_get_type(b))
		return 0;
	return json_object_equal(a, b);
}

/* The child path of path and a key ("$" + ".key"). */
static const char *
child(struct vctx *c, const char *path, const char *key)
{
	return cv_arena_printf(c->a, "%s.%s", path, key);
}

/*
 * Checks value o at path against schema sch, gathering errors.  Reports
 * the keywords of the subset in a fixed order: type, const, enum,
 * minimum, minItems, items, required, properties, additionalProperties.
 */
static void
check(struct vctx *c, struct json_object *sch, struct json_object *o,
    const char *path)
{
	struct json_object	*kw, *props, *sub;
	struct cv_text		 t = { NULL, 0, 0 };
	const char		*name;
	size_t			 i;
	int			 ok;

	if ((kw = json_object_object_get(sch, "type")) != NULL) {
		ok = 0;
		if (json_object_is_type(kw, json_type_string))
			ok = type_is(o, json_object_get_string(kw));
		else
			for (i = 0; i < json_object_array_length(kw); i++)
				ok |= type_is(o, json_object_get_string(
				    json_object_array_get_idx(kw, i)));
		if (!ok) {
			cv_text_str(&t, " is not of type ");
			if (json_object_is_type(kw, json_type_string))
				cv_text_printf(&t, "'%s'",
				    json_object_get_string(kw));
			else
				for (i = 0; i < json_object_array_length(kw);
				    i++)
					cv_text_printf(&t, "%s'%s'", i > 0 ?
					    ", " : "", json_object_get_string(
					    json_object_array_get_idx(kw, i)));
			verr_add(c, path, msg_of(c, o, t.p));
			free(t.p);
			return;
		}
	}
	if ((kw = json_object_object_get(sch, "const")) != NULL &&
	    !json_equal(kw, o))
		verr_add(c, path, msg_of(c, kw, " was expected"));
	if ((kw = json_object_object_get(sch, "enum")) != NULL) {
		ok = 0;
		for (i = 0; i < json_object_array_length(kw); i++)
			ok |= json_equal(json_object_array_get_idx(kw, i), o);
		if (!ok) {
			cv_text_str(&t, " is not one of ");
			cv_json_pyrepr(&t, kw);
			verr_add(c, path, msg_of(c, o, t.p));
			free(t.p);
			t.p = NULL;
		}
	}
	if ((kw = json_object_object_get(sch, "minimum")) != NULL &&
	    (json_object_is_type(o, json_type_int) ||
	    json_object_is_type(o, json_type_double)) &&
	    json_object_get_double(o) < json_object_get_double(kw))
		verr_add(c, path, msg_of(c, o, cv_arena_printf(c->a,
		    " is less than the minimum of %s",
		    json_object_to_json_string(kw))));
	if (json_object_is_type(o, json_type_array)) {
		if ((kw = json_object_object_get(sch, "minItems")) != NULL &&
		    json_object_array_length(o) <
		    (size_t)json_object_get_int64(kw))
			verr_add(c, path, msg_of(c, o,
			    json_object_get_int64(kw) == 1 ?
			    " should be non-empty" : " is too short"));
		if ((sub = json_object_object_get(sch, "items")) != NULL)
			for (i = 0; i < json_object_array_length(o); i++)
				check(c, sub, json_object_array_get_idx(o, i),
				    cv_arena_printf(c->a, "%s.%zu", path, i));
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	if ((kw = json_object_object_get(sch, "required")) != NULL)
		for (i = 0; i < json_object_array_length(kw); i++) {
			name = json_object_get_string(
			    json_object_array_get_idx(kw, i));
			if (!json_object_object_get_ex(o, name, NULL))
				verr_add(c, path, cv_arena_printf(c->a,
				    "'%s' is a required property", name));
		}
	props = json_object_object_get(sch, "properties");
	sub = json_object_object_get(sch, "additionalProperties");
	json_object_object_foreach(o, k, v) {
		if (props != NULL && json_object_object_get_ex(props, k, &kw))
			check(c, kw, v, child(c, path, k));
		else if (sub != NULL)
			check(c, sub, v, child(c, path, k));
	}
}

static int
verr_cmp(const void *va, const void *vb)
{
	const struct verr	*a = va, *b = vb;
	int			 r;

	if ((r = strcmp(a->path, b->path)) != 0)
		return r;
	return a < b ? -1 : a > b;
}

/* The schema errors of packet against schema text, by path, into c. */
static void
schema_errors(struct vctx *c, const char *schema, struct json_object *packet)
{
	struct json_object	*sch;
	struct verr		*v;
	size_t			 n;

	sch = json_tokener_parse(schema);
	check(c, sch, packet, "$");
	json_object_put(sch);
	/* a stable sort by path: an index tie-break on a copy */
	n = c->n;
	v = cv_arena_alloc(c->a, (n + 1) * sizeof(*v));
	if (n > 0)
		memcpy(v, c->v, n * sizeof(*v));
	qsort(v, n, sizeof(*v), verr_cmp);
	c->v = v;
	c->cap = n;
}

static struct json_object *
errors_json(const struct vctx *c)
{
	struct json_object	*a, *o;
	size_t			 i;

	a = json_object_new_array();
	for (i = 0; i < c->n; i++) {
		o = json_object_new_object();
		cv_json_add_str(o, "path", c->v[i].path);
		cv_json_add_str(o, "message", c->v[i].msg);
		json_object_array_add(a, o);
	}
	return a;
}

/* Member key of o when o is an object, else NULL. */
static struct json_object *
member(struct json_object *o, const char *key)
{
	if (!json_object_is_type(o, json_type_object))
		return NULL;
	return json_object_object_get(o, key);
}

static int
is_str(struct json_object *o, const char *s)
{
	return json_object_is_type(o, json_type_string) &&
	    strcmp(json_object_get_string(o), s) == 0;
}

/* Whether a and b are integers (not booleans) with the same value. */
static int
int_eq(struct json_object *a, struct json_object *b)
{
	return json_object_is_type(a, json_type_int) &&
	    json_object_is_type(b, json_type_int) &&
	    json_object_get_int64(a) == json_object_get_int64(b);
}

struct json_object *
aispm_check_review_packet(struct cv_arena *a, struct json_object *p)
{
	struct vctx		 c = { a, NULL, 0, 0 };
	struct json_object	*fx, *cases, *list, *sum, *ex, *n;
	size_t			 i, passed = 0;

	schema_errors(&c, review_schema, p);
	fx = member(p, "test_fixture");
	cases = member(fx, "cases");
	n = json_object_new_int64(json_object_is_type(cases,
	    json_type_array) ? (int64_t)json_object_array_length(cases) : 0);
	if (!int_eq(member(fx, "case_count"), n))
		verr_add(&c, "$.test_fixture.case_count", "case_count must "
		    "match the number of test_fixture.cases");
	json_object_put(n);
	list = member(p, "review_checklist");
	sum = member(p, "review_summary");
	if (json_object_is_type(list, json_type_array) &&
	    json_object_is_type(sum, json_type_object)) {
		for (i = 0; i < json_object_array_length(list); i++)
			passed += is_str(member(json_object_array_get_idx(list,
			    i), "status"), "pass");
		n = json_object_new_int64((int64_t)json_object_array_length(
		    list));
		if (!int_eq(member(sum, "checks_total"), n))
			verr_add(&c, "$.review_summary.checks_total",
			    "checks_total must match review_checklist length");
		json_object_put(n);
		n = json_object_new_int64((int64_t)passed);
		if (!int_eq(member(sum, "checks_passed"), n))
			verr_add(&c, "$.review_summary.checks_passed",
			    "checks_passed must match checklist pass count");
		json_object_put(n);
	}
	ex = member(p, "export");
	if (ex == NULL || json_object_is_type(ex, json_type_object)) {
		if (!is_str(member(ex, "status"), "review_only_packet"))
			verr_add(&c, "$.export.status", "review packet export "
			    "status must remain review_only_packet");
		if (!is_str(member(ex, "filename"), PACKET_FILE))
			verr_add(&c, "$.export.filename", "review packet "
			    "filename must remain " PACKET_FILE);
	}
	n = member(sum, "approval_required");
	if (!json_object_is_type(n, json_type_boolean) ||
	    !json_object_get_boolean(n))
		verr_add(&c, "$.review_summary.approval_required",
		    "review packets must require human approval");
	return errors_json(&c);
}

/* The CI platforms a readiness packet must gate, with their templates. */
static const struct {
	const char	*platform;
	const char	*template;
} ci_platforms[] = {
	{ "GitHub Actions", "examples/github-actions/"
	    "cavra-aispm-review-packet-validation.yml" },
	{ "GitLab CI", "examples/gitlab-ci/"
	    "cavra-aispm-review-packet-validation.gitlab-ci.yml" },
	{ "Azure Pipelines", "examples/azure-pipelines/"
	    "cavra-aispm-review-packet-validation.azure-pipelines.yml" },
};

struct json_object *
aispm_check_ci_gate(struct cv_arena *a, struct json_object *p)
{
	struct vctx		 c = { a, NULL, 0, 0 };
	struct json_object	*src, *req, *eb, *val, *gates, *g, *found;
	const char		*plat;
	size_t			 i, k;

	schema_errors(&c, ci_schema, p);
	src = member(p, "source");
	req = member(p, "required_packet");
	if (json_object_is_type(src, json_type_object) &&
	    json_object_is_type(req, json_type_object)) {
		if (!json_equal(member(src, "review_packet"), member(req,
		    "filename")) || member(src, "review_packet") == NULL)
			verr_add(&c, "$.source.review_packet", "source "
			    "review_packet must match required_packet "
			    "filename");
		if (!is_str(member(src, "review_packet"), PACKET_FILE))
			verr_add(&c, "$.source.review_packet", "source "
			    "review_packet must remain " PACKET_FILE);
		if (json_object_is_type(member(src, "checks_passed"),
		    json_type_int) && json_object_is_type(member(src,
		    "checks_total"), json_type_int) &&
		    json_object_get_int64(member(src, "checks_passed")) >
		    json_object_get_int64(member(src, "checks_total")))
			verr_add(&c, "$.source.checks_passed", "checks_passed "
			    "cannot exceed checks_total");
	}
	eb = member(p, "enterprise_boundaries");
	if (json_object_is_type(eb, json_type_object)) {
		json_object_object_foreach(eb, k2, v) {
			if (!is_str(v, AISPM_LOCKED))
				verr_add(&c, cv_arena_printf(a,
				    "$.enterprise_boundaries.%s", k2),
				    "Enterprise boundary values must remain "
				    AISPM_LOCKED);
		}
	}
	val = member(p, "validation");
	if (!is_str(member(val, "cli_command"), CI_COMMAND))
		verr_add(&c, "$.validation.cli_command", "validation "
		    "cli_command must use cavra aispm "
		    "validate-ci-gate-readiness");
	if (!is_str(member(val, "api_endpoint"), CI_ENDPOINT))
		verr_add(&c, "$.validation.api_endpoint", "validation "
		    "api_endpoint must remain " CI_ENDPOINT);
	gates = member(p, "gates");
	for (k = 0; k < nitems(ci_platforms); k++) {
		found = NULL;
		for (i = 0; json_object_is_type(gates, json_type_array) &&
		    i < json_object_array_length(gates); i++) {
			g = json_object_array_get_idx(gates, i);
			if (is_str(member(g, "platform"),
			    ci_platforms[k].platform))
				found = g;
		}
		plat = ci_platforms[k].platform;
		if (found == NULL) {
			verr_add(&c, "$.gates", cv_arena_printf(a,
			    "missing CI gate platform: %s", plat));
			continue;
		}
		if (!is_str(member(found, "required_check"), REVIEW_CHECK))
			verr_add(&c, cv_arena_printf(a, "$.gates.%s."
			    "required_check", plat), "required_check must be "
			    REVIEW_CHECK);
		if (!is_str(member(found, "template_path"),
		    ci_platforms[k].template))
			verr_add(&c, cv_arena_printf(a, "$.gates.%s."
			    "template_path", plat), cv_arena_printf(a,
			    "template_path must be %s",
			    ci_platforms[k].template));
	}
	return errors_json(&c);
}
