/*
 * The decision evaluator: turns one agent action and a compiled pack (or
 * an MCP trust-registry record) into a verdict.  Rule ids, severities,
 * approver groups and reason sentences are the CAVRA contract; the two
 * deliberate differences from the reference (".." resolved in file
 * targets, git pushes judged by exact branch name) are described in
 * cavra-policy(5).  Evaluation allocates only the few strings it returns,
 * from the request arena.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cv_arena.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_policy.h"
#include "cv_store.h"
#include "cv_util.h"
#include "policy_int.h"

const char *const cv_action_types[] = {
	"read_file", "write_file", "execute_command", "git_operation",
	"mcp_tool_call", NULL
};

/* What str.strip() removes in the reference, ASCII part. */
#define CMD_SPACE	" \t\n\r\v\f"

#define GROUP_PLATFORM	"Platform Security"
#define GROUP_OWNERS	"Repository Owners"
#define GROUP_AI	"AI Governance"

int
cv_action_type_valid(const char *s)
{
	size_t	 i;

	if (s == NULL)
		return 0;
	for (i = 0; cv_action_types[i] != NULL; i++)
		if (strcmp(s, cv_action_types[i]) == 0)
			return 1;
	return 0;
}

/* The first pattern of a list that matches s[0..n), or NULL. */
static const struct cv_pat *
first_match(const struct cv_pack *pk, enum cv_plist which, const char *s,
    size_t n)
{
	const struct cv_patlist	*l = &pk->lists[which];
	size_t			 i;

	for (i = 0; i < l->n; i++)
		if (cv_pat_match(&l->v[i], s, n))
			return &l->v[i];
	return NULL;
}

static void
verdict_set(struct cv_verdict *v, const char *decision, const char *severity,
    const char *rule_id, const char *approver)
{
	v->decision = decision;
	v->severity = severity;
	v->rule_id = rule_id;
	v->approver_group = approver;
}

/*
 * read_file / write_file: the target normalised (cv_path_normalise), then
 * block_read; or block_write, then require_approval_write.
 */
static void
eval_file(const struct cv_pack *pk, const struct cv_action *a, int write,
    struct cv_arena *ar, struct cv_verdict *v)
{
	const struct cv_pat	*m;
	char			*t;
	size_t			 n;

	t = cv_path_normalise(ar, a->target);
	n = strlen(t);
	v->action_type = write ? "write_file" : "read_file";
	v->target = t;
	v->requested_operation = write ? "write" : "read";
	m = first_match(pk, write ? CV_PL_BLOCK_WRITE : CV_PL_BLOCK_READ, t, n);
	if (m != NULL) {
		verdict_set(v, "block", "high", write ?
		    "filesystem.write.block" : "filesystem.read.block", NULL);
		v->reason = cv_arena_printf(ar,
		    "Matched sensitive path policy: %.*s", (int)m->len, m->p);
		return;
	}
	if (write && (m = first_match(pk, CV_PL_APPROVAL_WRITE, t, n)) !=
	    NULL) {
		verdict_set(v, "require_approval", "high",
		    "filesystem.write.require_approval", GROUP_PLATFORM);
		v->reason = cv_arena_printf(ar,
		    "Matched approval-required path policy: %.*s", (int)m->len,
		    m->p);
		return;
	}
	verdict_set(v, "allow", "low", write ? "filesystem.write.allow" :
	    "filesystem.read.allow", NULL);
	v->reason = "No sensitive path policy matched.";
}

/* 1 when hay[0..n) contains the NUL-terminated needle. */
static int
contains(const char *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle)) != NULL;
}

/*
 * execute_command: the command trimmed of leading and trailing white
 * space, then commands.block, commands.allow, else approval.
 */
static void
eval_command(const struct cv_pack *pk, const struct cv_action *a,
    struct cv_arena *ar, struct cv_verdict *v)
{
	const struct cv_pat	*m;
	const char		*s = a->target != NULL ? a->target : "";
	char			*t;
	size_t			 n;

	s += strspn(s, CMD_SPACE);
	n = strlen(s);
	while (n > 0 && strchr(CMD_SPACE, s[n - 1]) != NULL)
		n--;
	t = cv_arena_strndup(ar, s, n);
	v->action_type = "execute_command";
	v->target = v->requested_operation = t;
	if ((m = first_match(pk, CV_PL_CMD_BLOCK, t, n)) != NULL) {
		verdict_set(v, "block", contains(t, n, "apply") ||
		    contains(t, n, "delete") ? "critical" : "high",
		    "commands.block", NULL);
		v->reason = cv_arena_printf(ar,
		    "Matched blocked command policy: %.*s", (int)m->len, m->p);
		return;
	}
	if ((m = first_match(pk, CV_PL_CMD_ALLOW, t, n)) != NULL) {
		verdict_set(v, "allow", "low", "commands.allow", NULL);
		v->reason = cv_arena_printf(ar,
		    "Matched allowed command policy: %.*s", (int)m->len, m->p);
		return;
	}
	verdict_set(v, "require_approval", "medium",
	    "commands.default.require_approval", GROUP_OWNERS);
	v->reason = "No allow rule matched; review required.";
}

/*
 * Whether one word of a push target names a protected branch.  The word
 * is a ref or a refspec: for "src:dst" the destination counts (the source
 * when dst is empty), a leading '+' (force) is ignored.  Then a leading
 * "refs/heads/" is stripped, or else one leading "<remote>/" component;
 * what remains must be exactly "main" or "master".
 */
static int
word_protected(const char *w, size_t n)
{
	const char	*c, *slash;

	if ((c = memrchr(w, ':', n)) != NULL) {
		if ((size_t)(c - w) + 1 < n) {
			n -= (size_t)(c - w) + 1;
			w = c + 1;
		} else
			n = (size_t)(c - w);
	}
	if (n > 0 && w[0] == '+') {
		w++;
		n--;
	}
	if (n > 11 && memcmp(w, "refs/heads/", 11) == 0) {
		w += 11;
		n -= 11;
	} else if ((slash = memchr(w, '/', n)) != NULL) {
		n -= (size_t)(slash - w) + 1;
		w = slash + 1;
	}
	return (n == 4 && memcmp(w, "main", 4) == 0) ||
	    (n == 6 && memcmp(w, "master", 6) == 0);
}

/*
 * A push target is split at white space ("origin main" is two words);
 * the push is to a protected branch when any word names one.
 */
static int
push_protected(const char *t)
{
	size_t	 n;

	for (;;) {
		t += strspn(t, CMD_SPACE);
		if (*t == '\0')
			return 0;
		n = strcspn(t, CMD_SPACE);
		if (word_protected(t, n))
			return 1;
		t += n;
	}
}

/*
 * git_operation: a push to main or master is blocked; anything else is
 * allowed.  Pack git: keys are not consulted (the reference does not
 * either).
 */
static void
eval_git(const struct cv_action *a, struct cv_verdict *v)
{
	const char	*op = a->operation != NULL ? a->operation : "push";
	const char	*t = a->target;

	v->action_type = "git_operation";
	v->target = t != NULL && *t != '\0' ? t : op;
	v->requested_operation = op;
	if (strcmp(op, "push") == 0 && t != NULL && push_protected(t)) {
		verdict_set(v, "block", "high",
		    "git.protected_branch.block_direct_push", NULL);
		v->reason = "Direct push to protected branch is prohibited.";
		return;
	}
	verdict_set(v, "allow", "low", "git.allow", NULL);
	v->reason = "Git operation is allowed by policy.";
}

/*
 * Evaluates a file, command or git action against a pack into *v.
 * Returns CV_OK, or CV_EUNPROC for mcp_tool_call and any other action
 * type (v untouched).  The verdict's strings are static, the caller's,
 * or in the arena.
 */
enum cv_err
cv_policy_eval(const struct cv_pack *pk, const struct cv_action *a,
    struct cv_arena *ar, struct cv_verdict *v)
{
	const char	*at = a->action_type;

	if (at == NULL)
		return CV_EUNPROC;
	if (strcmp(at, "read_file") == 0)
		eval_file(pk, a, 0, ar, v);
	else if (strcmp(at, "write_file") == 0)
		eval_file(pk, a, 1, ar, v);
	else if (strcmp(at, "execute_command") == 0)
		eval_command(pk, a, ar, v);
	else if (strcmp(at, "git_operation") == 0)
		eval_git(a, v);
	else
		return CV_EUNPROC;
	return CV_OK;
}

/* Common fields of both MCP evaluators. */
static void
mcp_common(const struct cv_action *a, struct cv_arena *ar,
    struct cv_verdict *v, const char **server, const char **tool,
    const char **cap)
{
	*server = a->server != NULL ? a->server : "unknown";
	*tool = a->tool != NULL ? a->tool : "unknown";
	*cap = a->capability != NULL && *a->capability != '\0' ?
	    a->capability : NULL;
	v->action_type = "mcp_tool_call";
	v->target = cv_arena_printf(ar, "%s:%s", *server, *tool);
	v->requested_operation = *cap != NULL ? *cap : *tool;
}

/*
 * Whether record[key] holds s: an array of strings is searched, a single
 * string is taken as a one-item list.  *nonempty tells whether there was
 * anything to search.
 */
static int
record_has(struct json_object *rec, const char *key, const char *s,
    int *nonempty)
{
	struct json_object	*l;

	*nonempty = 0;
	l = json_object_object_get(rec, key);
	if (json_object_is_type(l, json_type_string)) {
		*nonempty = json_object_get_string_len(l) != 0;
		return strcmp(json_object_get_string(l), s) == 0;
	}
	if (!json_object_is_type(l, json_type_array))
		return 0;
	*nonempty = json_object_array_length(l) != 0;
	return cv_json_has_str(l, s);
}

/*
 * An MCP call judged by the trust-registry record of its server (NULL:
 * not registered).  A record without trust_tier counts as "unknown"; one
 * without approval_state as "pending" for the unknown and experimental
 * tiers and "approved" otherwise (the registry's own defaults).
 */
void
cv_policy_eval_mcp_registry(struct json_object *rec,
    const struct cv_action *a, struct cv_arena *ar, struct cv_verdict *v)
{
	const char	*server, *tool, *cap, *tier, *state;
	int		 nonempty;

	mcp_common(a, ar, v, &server, &tool, &cap);
	if (!json_object_is_type(rec, json_type_object)) {
		verdict_set(v, "block", "high", "mcp.registry.unknown", NULL);
		v->reason = "MCP server is not registered.";
		return;
	}
	tier = cv_json_str_or(rec, "trust_tier", "unknown");
	state = cv_json_str_or(rec, "approval_state",
	    strcmp(tier, "unknown") == 0 || strcmp(tier, "experimental") == 0 ?
	    "pending" : "approved");
	if (strcmp(tier, "blocked") == 0 || strcmp(state, "denied") == 0) {
		verdict_set(v, "block", "high", "mcp.registry.blocked", NULL);
		v->reason = "MCP server is blocked or denied in the trust "
		    "registry.";
		return;
	}
	if (strcmp(state, "pending") == 0 || strcmp(tier, "unknown") == 0 ||
	    strcmp(tier, "experimental") == 0) {
		verdict_set(v, "require_approval", "medium",
		    "mcp.registry.requires_approval", GROUP_AI);
		v->reason = "MCP server requires trust approval before use.";
		return;
	}
	if (!record_has(rec, "allowed_tools", tool, &nonempty) && nonempty) {
		verdict_set(v, "require_approval", "medium",
		    "mcp.registry.tool_scope", GROUP_AI);
		v->reason = "MCP tool is outside the server's approved tool "
		    "scope.";
		return;
	}
	if (cap != NULL && !record_has(rec, "capabilities", cap, &nonempty) &&
	    nonempty) {
		verdict_set(v, "require_approval", "medium",
		    "mcp.registry.capability_scope", GROUP_AI);
		v->reason = "MCP capability is outside the server's approved "
		    "capability scope.";
		return;
	}
	verdict_set(v, "allow", "low", "mcp.registry.allow", NULL);
	v->reason = "MCP server is approved in the trust registry.";
}

/* 1 when list which of the pack holds exactly s. */
static int
list_has(const struct cv_pack *pk, enum cv_plist which, const char *s)
{
	const struct cv_patlist	*l = &pk->lists[which];
	size_t			 i, n = strlen(s);

	for (i = 0; i < l->n; i++)
		if (l->v[i].len == n && memcmp(l->v[i].p, s, n) == 0)
			return 1;
	return 0;
}

/*
 * An MCP call judged by the pack's mcp: section (no registry): a server
 * in blocked_servers, or one not in allowed_servers while
 * block_unknown_servers holds (the default), is blocked.
 */
void
cv_policy_eval_mcp_pack(const struct cv_pack *pk, const struct cv_action *a,
    struct cv_arena *ar, struct cv_verdict *v)
{
	const char	*server, *tool, *cap;

	mcp_common(a, ar, v, &server, &tool, &cap);
	if (list_has(pk, CV_PL_MCP_BLOCKED, server) ||
	    (pk->block_unknown && !list_has(pk, CV_PL_MCP_ALLOWED, server))) {
		verdict_set(v, "block", "high",
		    "mcp.server.trust.block_unknown", NULL);
		v->reason = "Untrusted MCP server with filesystem/tool "
		    "capability is not approved.";
		return;
	}
	verdict_set(v, "allow", "low", "mcp.server.trust.allow", NULL);
	v->reason = "MCP server is trusted for this tool call.";
}

/* ["evidence://<sid>/<did>"], a new array. */
static struct json_object *
evidence_refs(const char *sid, const char *did)
{
	struct json_object	*refs;
	size_t			 n;
	char			*ref;

	n = strlen("evidence:///") + strlen(sid) + strlen(did) + 1;
	ref = cv_xmalloc(n);
	snprintf(ref, n, "evidence://%s/%s", sid, did);
	refs = json_object_new_array();
	json_object_array_add(refs, json_object_new_string(ref));
	free(ref);
	return refs;
}

struct json_object *
cv_decision_new(const struct cv_verdict *v, const struct cv_decision_ids *d)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", "cavra.decision.v1");
	cv_json_add_str(o, "decision_id", d->decision_id);
	cv_json_add_str(o, "session_id", d->session_id);
	cv_json_add_str(o, "agent_id", d->agent_id);
	cv_json_add_str(o, "actor", d->actor);
	json_object_object_add(o, "repository", json_object_get(
	    d->repository));
	cv_json_add_str(o, "action_type", v->action_type);
	cv_json_add_str(o, "target", v->target);
	cv_json_add_str(o, "requested_operation", v->requested_operation);
	cv_json_add_str(o, "policy_pack", d->policy_pack);
	cv_json_add_str(o, "policy_id", d->policy_pack);
	cv_json_add_str(o, "rule_id", v->rule_id);
	cv_json_add_str(o, "decision", v->decision);
	cv_json_add_str(o, "severity", v->severity);
	cv_json_add_str(o, "reason", v->reason);
	json_object_object_add(o, "evidence_refs", evidence_refs(
	    d->session_id, d->decision_id));
	cv_json_add_str(o, "approver_group", v->approver_group);
	cv_json_add_str(o, "timestamp", d->timestamp);
	cv_json_add_str(o, "correlation_id", d->correlation_id);
	return o;
}

enum cv_err
cv_decision_insert_all(struct cv_store *s, struct json_object *const *ds,
    size_t n)
{
	struct json_object	**todo;
	char			 did[sizeof("dec_") + CV_ID_HEX];
	size_t			 i, k, m = n;
	int			*conflict, tries;
	enum cv_err		 rc = CV_OK;

	if (n == 0)
		return CV_OK;
	todo = cv_xcalloc(n, sizeof(*todo));
	conflict = cv_xcalloc(n, sizeof(*conflict));
	memcpy(todo, ds, n * sizeof(*todo));
	for (tries = 0; ; tries++) {
		if ((rc = cv_store_insert_batch(s, CV_COLL_DECISIONS, todo, m,
		    conflict)) != CV_OK)
			break;
		for (i = k = 0; i < m; i++)
			if (conflict[i])
				todo[k++] = todo[i];
		if ((m = k) == 0)
			break;
		if (tries == CV_ID_RETRIES) {
			rc = CV_ECONFLICT;
			break;
		}
		for (i = 0; i < m; i++) {
			memcpy(did, "dec_", 4);
			cv_rand_hex(did + 4, CV_ID_HEX);
			cv_log("decision id %s taken; using %s",
			    cv_json_str_or(todo[i], "decision_id", ""), did);
			cv_json_add_str(todo[i], "decision_id", did);
			json_object_object_add(todo[i], "evidence_refs",
			    evidence_refs(cv_json_str_or(todo[i], "session_id",
			    ""), did));
		}
	}
	free(conflict);
	free(todo);
	return rc;
}
