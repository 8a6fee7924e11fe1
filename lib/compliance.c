/*
 * The compliance mappings the installed policy packs declare
 * (cavra-policy(5), "compliance"): the labels of compliance.maps_to and
 * the framework controls of compliance.controls, each with the rules of
 * the pack that cover it.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "cv_json.h"
#include "cv_policy.h"
#include "cv_util.h"
#include "policy_int.h"

/* Rules the evaluator answers with whatever the pack holds. */
static const char *const always_rules[] = {
	"filesystem.read.allow", "filesystem.write.allow", "commands.allow",
	"commands.default.require_approval",
	"git.protected_branch.block_direct_push", "git.allow", NULL
};

/* Rules the evaluator answers only when the pack has the list. */
static const struct {
	const char	*rule;
	enum cv_plist	 list;
} list_rules[] = {
	{ "filesystem.read.block", CV_PL_BLOCK_READ },
	{ "filesystem.write.block", CV_PL_BLOCK_WRITE },
	{ "filesystem.write.require_approval", CV_PL_APPROVAL_WRITE },
	{ "commands.block", CV_PL_CMD_BLOCK },
	{ "mcp.server.trust.allow", CV_PL_MCP_ALLOWED },
};

/*
 * 1 when the evaluator can answer with rule id `rule` for compiled pack
 * pk: the rule is one the engine always applies, or the pack holds the
 * list the rule matches against (mcp.server.trust.block_unknown: blocked
 * servers, or unknown servers blocked).
 */
static int
pack_has_rule(const struct cv_pack *pk, const char *rule)
{
	size_t	 i;

	if (cv_strv_has(always_rules, rule))
		return 1;
	if (strcmp(rule, "mcp.server.trust.block_unknown") == 0)
		return pk->block_unknown || pk->lists[CV_PL_MCP_BLOCKED].n > 0;
	for (i = 0; i < sizeof(list_rules) / sizeof(list_rules[0]); i++)
		if (strcmp(rule, list_rules[i].rule) == 0)
			return pk->lists[list_rules[i].list].n > 0;
	return 0;
}

/* The non-empty strings of array arr, as a new array. */
static struct json_object *
strings_of(struct json_object *arr)
{
	struct json_object	*out, *it;
	size_t			 i;

	out = json_object_new_array();
	for (i = 0; i < json_object_array_length(arr); i++) {
		it = json_object_array_get_idx(arr, i);
		if (json_object_is_type(it, json_type_string) &&
		    json_object_get_string_len(it) > 0)
			json_object_array_add(out, json_object_get(it));
	}
	return out;
}

/*
 * The controls of compliance section sec of pack id `dir`: for each entry
 * with a framework and control_id string, {framework, control_id, title,
 * rules, covered}, where rules keeps the listed rule ids the pack really
 * enforces (a rule the pack cannot produce is left out, with a log line)
 * and covered says whether any is left.  New array.
 */
static struct json_object *
controls_of(const char *dir, struct json_object *sec)
{
	const struct cv_pack	*pk = NULL;
	struct json_object	*arr, *out, *c, *e, *rules, *kept, *r;
	const char		*fw, *cid, *title, *rule;
	char			 err[256];
	size_t			 i, j;

	out = json_object_new_array();
	if (cv_json_arr(sec, "controls", &arr) != CV_JGET_OK)
		return out;
	if (cv_policy_get(dir, &pk, err, sizeof(err)) != CV_OK)
		pk = NULL;
	for (i = 0; i < json_object_array_length(arr); i++) {
		c = json_object_array_get_idx(arr, i);
		if (cv_json_str(c, "framework", &fw) != CV_JGET_OK ||
		    cv_json_str(c, "control_id", &cid) != CV_JGET_OK ||
		    *fw == '\0' || *cid == '\0')
			continue;
		if (cv_json_str(c, "title", &title) != CV_JGET_OK)
			title = "";
		kept = json_object_new_array();
		if (cv_json_arr(c, "rules", &rules) == CV_JGET_OK)
			for (j = 0; j < json_object_array_length(rules); j++) {
				r = json_object_array_get_idx(rules, j);
				if (!json_object_is_type(r, json_type_string))
					continue;
				rule = json_object_get_string(r);
				if (pk != NULL && pack_has_rule(pk, rule))
					json_object_array_add(kept,
					    json_object_get(r));
				else
					cv_log("policy pack %s: control %s %s: "
					    "rule %s is not one the pack "
					    "enforces", dir, fw, cid, rule);
			}
		e = json_object_new_object();
		cv_json_add_str(e, "framework", fw);
		cv_json_add_str(e, "control_id", cid);
		cv_json_add_str(e, "title", title);
		json_object_object_add(e, "covered", json_object_new_boolean(
		    json_object_array_length(kept) > 0));
		json_object_object_add(e, "rules", kept);
		json_object_array_add(out, e);
	}
	return out;
}

/*
 * Every installed pack whose own policy.yaml has a compliance section
 * with labels (maps_to) or controls, in catalog order: {policy_pack,
 * title, version, maps_to, controls}.  Inherited packs add nothing.
 * *out is a new array.  Errors: those of cv_policy_catalog().
 */
enum cv_err
cv_policy_compliance(struct json_object **out)
{
	struct json_object	*packs, *arr, *p, *sec, *maps, *labels, *ctl;
	struct json_object	*e;
	const char		*id;
	size_t			 i;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = cv_policy_catalog(1, &packs)) != CV_OK)
		return rc;
	arr = json_object_new_array();
	for (i = 0; i < json_object_array_length(packs); i++) {
		p = json_object_array_get_idx(packs, i);
		if (cv_json_obj(json_object_object_get(p, "policy"),
		    "compliance", &sec) != CV_JGET_OK ||
		    cv_json_str(p, "id", &id) != CV_JGET_OK)
			continue;
		if (cv_json_arr(sec, "maps_to", &maps) == CV_JGET_OK)
			labels = strings_of(maps);
		else
			labels = json_object_new_array();
		ctl = controls_of(id, sec);
		if (json_object_array_length(labels) == 0 &&
		    json_object_array_length(ctl) == 0) {
			json_object_put(labels);
			json_object_put(ctl);
			continue;
		}
		e = json_object_new_object();
		json_object_object_add(e, "policy_pack", json_object_get(
		    json_object_object_get(p, "id")));
		json_object_object_add(e, "title", json_object_get(
		    json_object_object_get(p, "title")));
		json_object_object_add(e, "version", json_object_get(
		    json_object_object_get(p, "version")));
		json_object_object_add(e, "maps_to", labels);
		json_object_object_add(e, "controls", ctl);
		json_object_array_add(arr, e);
	}
	json_object_put(packs);
	*out = arr;
	return CV_OK;
}
