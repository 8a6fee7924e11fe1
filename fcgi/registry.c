/*
 * cavra-registry: the agent registry, the MCP server trust registry, the
 * predefined agent profiles, the MCP capability classifications and the
 * trust check of an MCP call against the registry.
 *
 * Agents and MCP servers are upserted records of the registry store
 * (cv_store_registry).  Both are normalised by one table-driven function:
 * each kind of record is a list of fields with their rules (plain string
 * with a default, enumeration, list of strings, time stamp), so the rules
 * for list fields, enumerations and created_at are written once.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "cavra.h"
#include "cv_policy.h"

static struct cv_store	*reg;	/* registry store of this worker */

/* Allowed values, NULL-terminated. */
static const char *const agent_statuses[] = {
	"active", "disabled", "retired", NULL
};
static const char *const risk_tiers[] = {
	"low", "medium", "high", "critical", NULL
};
static const char *const trust_tiers[] = {
	"trusted", "approved", "experimental", "blocked", "unknown", NULL
};
static const char *const approval_states[] = {
	"approved", "pending", "denied", "not_required", NULL
};

/* How one field of a record is normalised. */
enum fkind {
	F_STR,		/* string; absent or null: default */
	F_ENUM,		/* one of `allowed`; absent or null: default */
	F_LIST,		/* list of strings (see norm_list()) */
	F_SEEN,		/* time stamp: input, else now */
	F_CREATED,	/* time stamp: input, else the stored one, else now */
	F_UPDATED	/* time stamp: always now */
};

struct field {
	const char		*name;
	enum fkind		 kind;
	const char		*dflt;
	const char *const	*allowed;		/* F_ENUM */
	/* Default computed from the record built so far (overrides dflt). */
	const char		*(*dfltfn)(struct json_object *);
};

/* A kind of registry record. */
struct kind {
	const char		*schema;	/* "cavra.agent.v1" */
	const char		*what;		/* "agent", for messages */
	size_t			 coll;		/* collection in the store */
	const char		*id_field;	/* "agent_id" */
	const char *const	*id_keys;	/* input keys tried for the id */
	const struct field	*fields;	/* in record order */
	size_t			 nfields;
};

/* MCP server name: the server_id unless given. */
static const char *
dflt_server_name(struct json_object *rec)
{
	return cv_json_str_or(rec, "server_id", "");
}

/* MCP approval_state: pending for the unknown and experimental tiers,
 * approved for the others. */
static const char *
dflt_approval_state(struct json_object *rec)
{
	const char	*tier;

	tier = cv_json_str_or(rec, "trust_tier", "unknown");
	return strcmp(tier, "unknown") == 0 ||
	    strcmp(tier, "experimental") == 0 ? "pending" : "approved";
}

static const char *const agent_id_keys[] = { "agent_id", "id", NULL };

static const struct field agent_fields[] = {
	{ "type", F_STR, "coding-agent", NULL, NULL },
	{ "vendor", F_STR, "unknown", NULL, NULL },
	{ "version", F_STR, "unknown", NULL, NULL },
	{ "capabilities", F_LIST, NULL, NULL, NULL },
	{ "scopes", F_LIST, NULL, NULL, NULL },
	{ "allowed_repositories", F_LIST, NULL, NULL, NULL },
	{ "allowed_tools", F_LIST, NULL, NULL, NULL },
	{ "risk_tier", F_ENUM, "medium", risk_tiers, NULL },
	{ "owner", F_STR, "unassigned", NULL, NULL },
	{ "status", F_ENUM, "active", agent_statuses, NULL },
	{ "last_seen", F_SEEN, NULL, NULL, NULL },
	{ "created_at", F_CREATED, NULL, NULL, NULL },
	{ "updated_at", F_UPDATED, NULL, NULL, NULL },
	{ "evidence_refs", F_LIST, NULL, NULL, NULL },
};

static const struct kind agent_kind = {
	"cavra.agent.v1", "agent", CV_COLL_AGENTS, "agent_id",
	agent_id_keys, agent_fields, nitems(agent_fields)
};

static const char *const server_id_keys[] = { "server_id", "id", "name",
	NULL };

static const struct field server_fields[] = {
	{ "name", F_STR, NULL, NULL, dflt_server_name },
	{ "trust_tier", F_ENUM, "unknown", trust_tiers, NULL },
	{ "capabilities", F_LIST, NULL, NULL, NULL },
	{ "owner", F_STR, "unassigned", NULL, NULL },
	{ "approval_state", F_ENUM, NULL, approval_states,
	    dflt_approval_state },
	{ "allowed_tools", F_LIST, NULL, NULL, NULL },
	{ "last_seen", F_SEEN, NULL, NULL, NULL },
	{ "created_at", F_CREATED, NULL, NULL, NULL },
	{ "updated_at", F_UPDATED, NULL, NULL, NULL },
	{ "evidence_refs", F_LIST, NULL, NULL, NULL },
};

static const struct kind server_kind = {
	"cavra.mcp_server.v1", "MCP server", CV_COLL_MCP_SERVERS, "server_id",
	server_id_keys, server_fields, nitems(server_fields)
};

/* The predefined agent profiles of GET /agents/profiles, kept sorted by
 * profile_id (the response order). */
#define STRV(...)	((const char *const[]){ __VA_ARGS__, NULL })

static const struct profile {
	const char		*id;
	const char		*display_name;
	const char		*vendor;
	const char		*risk_tier;
	const char *const	*capabilities;
	const char *const	*scopes;
	const char *const	*tools;
	const char *const	*controls;
} profiles[] = {
	{ "aws-q-developer", "AWS Q Developer", "AWS", "high",
	    STRV("code_edit", "test", "shell", "cloud_assistance",
		"iam_review"),
	    STRV("repository", "filesystem", "shell", "aws"),
	    STRV("cavra", "aws", "terraform"),
	    STRV("cloud_iam_policy", "terraform_policy", "approval_router",
		"evidence_attestation") },
	{ "claude-code", "Claude Code", "Anthropic", "high",
	    STRV("code_edit", "test", "shell", "mcp_tool_call",
		"pull_request_attestation"),
	    STRV("repository", "filesystem", "shell", "mcp"),
	    STRV("cavra-mcp-server", "git", "pytest", "ruff"),
	    STRV("mcp_trust_registry", "command_policy",
		"evidence_attestation", "approval_router") },
	{ "codex", "OpenAI Codex", "OpenAI", "high",
	    STRV("code_edit", "test", "shell", "git_operation",
		"pull_request_attestation"),
	    STRV("repository", "filesystem", "shell", "git"),
	    STRV("cavra", "git", "pytest", "node"),
	    STRV("agent_registry", "protected_branch_policy",
		"evidence_attestation", "approval_router") },
	{ "cursor", "Cursor Agent", "Cursor", "medium",
	    STRV("code_edit", "test", "shell", "repository_search"),
	    STRV("repository", "filesystem", "shell"),
	    STRV("cavra", "git", "test_runner"),
	    STRV("filesystem_policy", "command_policy",
		"evidence_attestation") },
	{ "gemini-cli", "Gemini CLI", "Google", "high",
	    STRV("code_edit", "test", "shell", "cloud_assistance"),
	    STRV("repository", "filesystem", "shell", "cloud"),
	    STRV("cavra", "gcloud", "pytest"),
	    STRV("cloud_iam_policy", "command_policy", "approval_router",
		"evidence_attestation") },
	{ "github-copilot", "GitHub Copilot Agent", "GitHub", "medium",
	    STRV("code_edit", "test", "pull_request", "workflow_assistance"),
	    STRV("repository", "git", "ci"),
	    STRV("github-actions", "cavra-pr-attestation"),
	    STRV("protected_branch_policy", "workflow_change_approval",
		"pr_attestation") },
};

/* The MCP capability classifications of GET /mcp/tool-classifications,
 * kept sorted by capability (the response order). */
static const struct classification {
	const char		*capability;
	const char		*category;
	const char		*risk_tier;
	const char		*default_decision;
	const char *const	*approval_required_for;
	const char *const	*example_tools;
	const char		*control_objective;
} classifications[] = {
	{ "cloud", "infrastructure", "critical", "require_approval",
	    STRV("iam_change", "production_deploy", "resource_delete"),
	    STRV("apply_terraform", "update_iam_policy", "delete_resource"),
	    "Prevent unapproved production, IAM, and cloud control-plane "
	    "changes." },
	{ "database", "data_access", "high", "require_approval",
	    STRV("write_query", "schema_change", "export_table"),
	    STRV("query", "execute_sql", "inspect_schema"),
	    "Protect regulated data stores from autonomous reads and "
	    "writes." },
	{ "filesystem", "local_resource", "high", "block_unknown",
	    STRV("write_file", "delete_file", "read_secret"),
	    STRV("read_file", "write_file", "list_directory"),
	    "Prevent unapproved file and secret access from tool-expanded "
	    "agents." },
	{ "network", "egress", "medium", "require_approval",
	    STRV("external_post", "download_binary", "webhook_call"),
	    STRV("fetch_url", "http_request"),
	    "Control data egress and supply-chain download paths." },
	{ "repository", "source_control", "medium", "approved_server_scope",
	    STRV("delete_repository", "change_branch_protection",
		"workflow_write"),
	    STRV("create_pull_request", "create_issue", "list_branches"),
	    "Govern source-control automation with protected-branch and "
	    "workflow controls." },
	{ "saas", "enterprise_workflow", "medium", "approved_server_scope",
	    STRV("ticket_transition", "user_permission_change",
		"bulk_export"),
	    STRV("create_issue", "update_ticket", "post_message"),
	    "Keep workflow automation scoped to approved tools and owners." },
	{ "shell", "execution", "critical", "require_approval",
	    STRV("execute_command", "install_package", "spawn_process"),
	    STRV("run_command", "shell_exec"),
	    "Route command execution through policy, evidence, and approval "
	    "gates." },
};

static int
in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* "a, b, c" for a NULL-terminated list, in the arena. */
static const char *
join(struct cv_arena *ar, const char *const *list)
{
	const char	*s = "";

	for (; *list != NULL; list++)
		s = cv_arena_printf(ar, "%s%s%s", s, *s != '\0' ? ", " : "",
		    *list);
	return s;
}

/* A JSON string usable as stored text: no NUL inside, at most max bytes. */
static int
str_ok(struct json_object *v, size_t max)
{
	size_t	 len;

	len = (size_t)json_object_get_string_len(v);
	return len <= max && strlen(json_object_get_string(v)) == len;
}

/*
 * The record id of a POST body: the first of k->id_keys holding a
 * non-empty string (absent, null and "" fall through to the next key).
 * *id is borrowed from the body.  400 when none does, or a key holds
 * another type, NUL bytes or more than CV_ID_MAX bytes.
 */
static enum cv_err
take_id(struct cv_req *req, const struct kind *k, const char **id)
{
	const char *const	*key;
	struct json_object	*v;

	for (key = k->id_keys; *key != NULL; key++) {
		v = json_object_object_get(req->json, *key);
		if (v == NULL)
			continue;
		if (!json_object_is_type(v, json_type_string))
			return cv_fail_field(req, CV_EINVAL, *key,
			    "invalid %s record: %s must be a string", k->what,
			    *key);
		if (json_object_get_string_len(v) == 0)
			continue;
		if (!str_ok(v, CV_ID_MAX))
			return cv_fail_field(req, CV_EINVAL, *key,
			    "invalid %s record: %s must be at most %d bytes "
			    "without NUL", k->what, *key, CV_ID_MAX);
		*id = json_object_get_string(v);
		return CV_OK;
	}
	return cv_fail_field(req, CV_EINVAL, k->id_field,
	    "invalid %s record: %s is required", k->what, k->id_field);
}

/* Appends string item it to a; 0 when it is not a storable string. */
static int
list_add(struct json_object *a, struct json_object *it)
{
	if (!json_object_is_type(it, json_type_string) ||
	    !str_ok(it, CV_FIELD_MAX))
		return 0;
	json_object_array_add(a, json_object_get(it));
	return 1;
}

/*
 * A list-of-strings field: absent or null gives [], a string a one-item
 * list, an array its strings with nulls dropped.  *out is a new array.
 * 400 for any other type, or an item that is neither a string nor null.
 */
static enum cv_err
norm_list(struct cv_req *req, const struct kind *k, const char *name,
    struct json_object *v, struct json_object **out)
{
	struct json_object	*a, *it;
	size_t			 i, n;
	int			 ok = 1;

	*out = NULL;
	a = json_object_new_array();
	if (json_object_is_type(v, json_type_array)) {
		n = json_object_array_length(v);
		for (i = 0; ok && i < n; i++)
			if ((it = json_object_array_get_idx(v, i)) != NULL)
				ok = list_add(a, it);
	} else if (v != NULL)
		ok = list_add(a, v);
	if (!ok) {
		json_object_put(a);
		return cv_fail_field(req, CV_EINVAL, name, "invalid %s record: "
		    "%s must be a list of strings", k->what, name);
	}
	*out = a;
	return CV_OK;
}

/*
 * One field of k from the body into rec.  now is the request's time
 * stamp.  For F_CREATED, *created is set to 1 when the body supplied the
 * value.  Fails with 400 (via cv_fail) on a value of the wrong type or
 * outside its enumeration.
 */
static enum cv_err
norm_field(struct cv_req *req, const struct kind *k, const struct field *f,
    struct json_object *rec, const char *now, int *created)
{
	struct json_object	*v, *list;
	const char		*s;
	enum cv_err		 rc;

	v = json_object_object_get(req->json, f->name);
	switch (f->kind) {
	case F_LIST:
		if ((rc = norm_list(req, k, f->name, v, &list)) != CV_OK)
			return rc;
		json_object_object_add(rec, f->name, list);
		return CV_OK;
	case F_UPDATED:
		cv_json_add_str(rec, f->name, now);
		return CV_OK;
	case F_STR:
	case F_ENUM:
		break;
	case F_SEEN:
	case F_CREATED:
		if (v != NULL && !json_object_is_type(v, json_type_string))
			return cv_fail_field(req, CV_EINVAL, f->name,
			    "invalid %s record: %s must be a string",
			    k->what, f->name);
		if (v != NULL && !str_ok(v, CV_FIELD_MAX))
			return cv_fail_field(req, CV_EINVAL, f->name,
			    "invalid %s record: %s is too long", k->what,
			    f->name);
		if (v != NULL && json_object_get_string_len(v) > 0) {
			json_object_object_add(rec, f->name,
			    json_object_get(v));
			if (f->kind == F_CREATED)
				*created = 1;
		} else
			cv_json_add_str(rec, f->name, now);
		return CV_OK;
	}
	if (v == NULL) {
		s = f->dfltfn != NULL ? f->dfltfn(rec) : f->dflt;
		cv_json_add_str(rec, f->name, s);
		return CV_OK;
	}
	if (!json_object_is_type(v, json_type_string) ||
	    !str_ok(v, CV_FIELD_MAX))
		return cv_fail_field(req, CV_EINVAL, f->name,
		    "invalid %s record: %s must be a string of at most %d "
		    "bytes", k->what, f->name, CV_FIELD_MAX);
	if (f->kind == F_ENUM &&
	    !in_list(f->allowed, json_object_get_string(v)))
		return cv_fail_field(req, CV_EINVAL, f->name,
		    "invalid %s record: %s must be one of: %s", k->what,
		    f->name, join(req->arena, f->allowed));
	json_object_object_add(rec, f->name, json_object_get(v));
	return CV_OK;
}

/*
 * Builds the normalised record of kind k from the request body:
 * schema_version first, the id, the fields of k in order, then every
 * other key of the body unchanged.  *out is a new reference; *created
 * tells whether the body supplied created_at.  Fails with 400.
 */
static enum cv_err
normalise(struct cv_req *req, const struct kind *k, struct json_object **out,
    int *created)
{
	struct json_object	*rec;
	const char		*id = NULL;
	char			 now[CV_TS_LEN];
	size_t			 i;
	enum cv_err		 rc;

	*out = NULL;
	*created = 0;
	if ((rc = take_id(req, k, &id)) != CV_OK)
		return rc;
	cv_ts_now(now, sizeof(now));
	rec = json_object_new_object();
	cv_json_add_str(rec, "schema_version", k->schema);
	cv_json_add_str(rec, k->id_field, id);
	for (i = 0; i < k->nfields; i++)
		if ((rc = norm_field(req, k, &k->fields[i], rec, now,
		    created)) != CV_OK)
			goto out;
	json_object_object_foreach(req->json, key, val) {
		if (!json_object_object_get_ex(rec, key, NULL))
			json_object_object_add(rec, key, json_object_get(val));
	}
	*out = rec;
	rec = NULL;
out:
	json_object_put(rec);
	return rc;
}

/* Detail for a store failure (always a server-side condition). */
static enum cv_err
store_fail(struct cv_req *req, enum cv_err rc)
{
	if (rc == CV_OK)
		rc = CV_EINTERNAL;
	return cv_fail(req, rc, "registry store failed: %s",
	    cv_err_title(rc));
}

/*
 * POST upsert of kind k.  In one store transaction: reads the stored
 * record to keep its created_at when the body gives none, then writes the
 * new record.  200 with the record; 400 for an invalid body; 500/503 when
 * the store fails.
 */
static enum cv_err
upsert(struct cv_req *req, struct cv_resp *resp, const struct kind *k)
{
	struct json_object	*rec = NULL, *old = NULL, *v;
	const char		*id;
	int			 created;
	enum cv_err		 rc;

	if ((rc = normalise(req, k, &rec, &created)) != CV_OK)
		goto out;
	id = cv_json_str_or(rec, k->id_field, "");
	if ((rc = cv_store_begin(reg)) != CV_OK) {
		rc = store_fail(req, rc);
		goto out;
	}
	rc = cv_store_get(reg, k->coll, id, &old);
	if (rc == CV_OK && !created &&
	    json_object_object_get_ex(old, "created_at", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0)
		json_object_object_add(rec, "created_at", json_object_get(v));
	if ((rc != CV_OK && rc != CV_ENOENT) ||
	    (rc = cv_store_put(reg, k->coll, rec)) != CV_OK ||
	    (rc = cv_store_commit(reg)) != CV_OK) {
		cv_store_rollback(reg);
		rc = store_fail(req, rc);
		goto out;
	}
	cv_resp_json(resp, 200, rec);
	rec = NULL;
out:
	json_object_put(rec);
	json_object_put(old);
	return rc;
}

/* {items, total} from a list; takes ownership of items. */
static void
resp_list(struct cv_resp *resp, struct json_object *items)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_int(o, "total", (int64_t)json_object_array_length(items));
	json_object_object_add(o, "items", items);
	cv_resp_json(resp, 200, o);
}

/*
 * Adds an equality filter for query parameter `name` when it is present
 * and not empty.  With `allowed`, a value outside it fails with 400
 * naming the allowed values.
 */
static enum cv_err
add_filter(struct cv_req *req, const char *name, const char *const *allowed,
    struct cv_filter *f, size_t *n)
{
	const char	*v;

	if ((v = cv_query(req, name)) == NULL || *v == '\0')
		return CV_OK;
	if (allowed != NULL && !in_list(allowed, v))
		return cv_fail_field(req, CV_EINVAL, name,
		    "query parameter '%s' must be one of: %s", name,
		    join(req->arena, allowed));
	f[*n].field = name;
	f[*n].value = v;
	(*n)++;
	return CV_OK;
}

/* GET /agents?status=&owner= */
static enum cv_err
h_agents(struct cv_req *req, struct cv_resp *resp)
{
	struct cv_filter	 f[2];
	struct json_object	*items;
	size_t			 n = 0;
	enum cv_err		 rc;

	if ((rc = add_filter(req, "status", NULL, f, &n)) != CV_OK ||
	    (rc = add_filter(req, "owner", NULL, f, &n)) != CV_OK)
		return rc;
	if ((rc = cv_store_list(reg, CV_COLL_AGENTS, f, n, SIZE_MAX, 0,
	    &items, NULL)) != CV_OK)
		return store_fail(req, rc);
	resp_list(resp, items);
	return CV_OK;
}

/* POST /agents: upsert a cavra.agent.v1 record. */
static enum cv_err
h_agent_put(struct cv_req *req, struct cv_resp *resp)
{
	return upsert(req, resp, &agent_kind);
}

/* GET /agents/profiles */
static enum cv_err
h_profiles(struct cv_req *req, struct cv_resp *resp)
{
	const struct profile	*p;
	struct json_object	*items, *o;
	size_t			 i;

	(void)req;
	items = json_object_new_array();
	for (i = 0; i < nitems(profiles); i++) {
		p = &profiles[i];
		o = json_object_new_object();
		cv_json_add_str(o, "profile_id", p->id);
		cv_json_add_str(o, "display_name", p->display_name);
		cv_json_add_str(o, "vendor", p->vendor);
		cv_json_add_str(o, "type", "coding-agent");
		cv_json_add_strv(o, "default_capabilities", p->capabilities);
		cv_json_add_strv(o, "default_scopes", p->scopes);
		cv_json_add_strv(o, "recommended_tools", p->tools);
		cv_json_add_str(o, "risk_tier", p->risk_tier);
		cv_json_add_strv(o, "enterprise_controls", p->controls);
		json_object_array_add(items, o);
	}
	resp_list(resp, items);
	return CV_OK;
}

/* GET /agents/{agent_id}: the record, or 404. */
static enum cv_err
h_agent(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*rec;
	enum cv_err		 rc;

	rc = cv_store_get(reg, CV_COLL_AGENTS, cv_param(req, "agent_id"),
	    &rec);
	if (rc == CV_ENOENT)
		return cv_fail(req, rc, "agent not found");
	if (rc != CV_OK)
		return store_fail(req, rc);
	cv_resp_json(resp, 200, rec);
	return CV_OK;
}

/*
 * The MCP server record whose server_id is `key`, else the first (by
 * server_id) whose name is `key`.  *out is a new reference.  CV_ENOENT
 * when none; other errors are store failures.
 */
static enum cv_err
find_server(const char *key, struct json_object **out)
{
	struct cv_filter	 f = { "name", key };
	struct json_object	*items;
	enum cv_err		 rc;

	*out = NULL;
	rc = cv_store_get(reg, CV_COLL_MCP_SERVERS, key, out);
	if (rc != CV_ENOENT)
		return rc;
	if ((rc = cv_store_list(reg, CV_COLL_MCP_SERVERS, &f, 1, 1, 0,
	    &items, NULL)) != CV_OK)
		return rc;
	if (json_object_array_length(items) > 0) {
		*out = json_object_get(json_object_array_get_idx(items, 0));
		rc = CV_OK;
	} else
		rc = CV_ENOENT;
	json_object_put(items);
	return rc;
}

/* Whether record rec lists cap among its capabilities. */
static int
has_capability(struct json_object *rec, const char *cap)
{
	struct json_object	*l, *it;
	size_t			 i, n;

	if (!json_object_object_get_ex(rec, "capabilities", &l) ||
	    !json_object_is_type(l, json_type_array))
		return 0;
	n = json_object_array_length(l);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(l, i);
		if (json_object_is_type(it, json_type_string) &&
		    strcmp(json_object_get_string(it), cap) == 0)
			return 1;
	}
	return 0;
}

/*
 * GET /mcp/servers?trust_tier=&approval_state=&capability=
 * The enumerated filters go to the store (400 for a value outside its
 * enumeration); capability is matched here against each record's list.
 */
static enum cv_err
h_servers(struct cv_req *req, struct cv_resp *resp)
{
	struct cv_filter	 f[2];
	struct json_object	*items, *kept, *it;
	const char		*cap;
	size_t			 i, n = 0;
	enum cv_err		 rc;

	if ((rc = add_filter(req, "trust_tier", trust_tiers, f, &n)) !=
	    CV_OK ||
	    (rc = add_filter(req, "approval_state", approval_states, f,
	    &n)) != CV_OK)
		return rc;
	if ((rc = cv_store_list(reg, CV_COLL_MCP_SERVERS, f, n, SIZE_MAX, 0,
	    &items, NULL)) != CV_OK)
		return store_fail(req, rc);
	cap = cv_query(req, "capability");
	if (cap != NULL && *cap != '\0') {
		kept = json_object_new_array();
		for (i = 0; i < json_object_array_length(items); i++) {
			it = json_object_array_get_idx(items, i);
			if (has_capability(it, cap))
				json_object_array_add(kept,
				    json_object_get(it));
		}
		json_object_put(items);
		items = kept;
	}
	resp_list(resp, items);
	return CV_OK;
}

/* POST /mcp/servers: upsert a cavra.mcp_server.v1 record. */
static enum cv_err
h_server_put(struct cv_req *req, struct cv_resp *resp)
{
	return upsert(req, resp, &server_kind);
}

/* GET /mcp/servers/{server_id}: by server_id, else by name; 404. */
static enum cv_err
h_server(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*rec;
	enum cv_err		 rc;

	rc = find_server(cv_param(req, "server_id"), &rec);
	if (rc == CV_ENOENT)
		return cv_fail(req, rc, "MCP server not found");
	if (rc != CV_OK)
		return store_fail(req, rc);
	cv_resp_json(resp, 200, rec);
	return CV_OK;
}

static struct json_object *
classification_json(const struct classification *c)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_str(o, "capability", c->capability);
	cv_json_add_str(o, "category", c->category);
	cv_json_add_str(o, "risk_tier", c->risk_tier);
	cv_json_add_str(o, "default_decision", c->default_decision);
	cv_json_add_strv(o, "approval_required_for", c->approval_required_for);
	cv_json_add_strv(o, "example_tools", c->example_tools);
	cv_json_add_str(o, "control_objective", c->control_objective);
	return o;
}

/*
 * GET /mcp/tool-classifications[?capability=X]
 * Without X (or with an empty one): {items,total}.  With X, trimmed and
 * lower-cased: that item alone, or 404.
 */
static enum cv_err
h_classifications(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*items;
	const char		*q, *e;
	char			*cap, *p;
	size_t			 i;

	q = cv_query(req, "capability");
	if (q == NULL || *q == '\0') {
		items = json_object_new_array();
		for (i = 0; i < nitems(classifications); i++)
			json_object_array_add(items,
			    classification_json(&classifications[i]));
		resp_list(resp, items);
		return CV_OK;
	}
	while (isspace((unsigned char)*q))
		q++;
	for (e = q + strlen(q); e > q && isspace((unsigned char)e[-1]); e--)
		;
	cap = cv_arena_strndup(req->arena, q, (size_t)(e - q));
	for (p = cap; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	for (i = 0; i < nitems(classifications); i++)
		if (strcmp(classifications[i].capability, cap) == 0) {
			cv_resp_json(resp, 200,
			    classification_json(&classifications[i]));
			return CV_OK;
		}
	return cv_fail(req, CV_ENOENT, "MCP capability classification not "
	    "found");
}

/*
 * GET /mcp/trust?server=&tool=&capability=
 * The registry's verdict on one MCP call: {decision, reason, rule_id,
 * severity, approver_group}.  Persists nothing.  422 without a server.
 */
static enum cv_err
h_trust(struct cv_req *req, struct cv_resp *resp)
{
	struct cv_action	 a;
	struct cv_verdict	 v;
	struct json_object	*rec, *o;
	enum cv_err		 rc;

	memset(&a, 0, sizeof(a));
	a.action_type = "mcp_tool_call";
	a.server = cv_query(req, "server");
	if (a.server == NULL || *a.server == '\0')
		return cv_fail_field(req, CV_EUNPROC, "server",
		    "query parameter 'server' is required");
	if ((a.tool = cv_query(req, "tool")) == NULL)
		a.tool = "unknown";
	a.capability = cv_query(req, "capability");
	rc = find_server(a.server, &rec);
	if (rc != CV_OK && rc != CV_ENOENT)
		return store_fail(req, rc);
	memset(&v, 0, sizeof(v));
	cv_policy_eval_mcp_registry(rec, &a, req->arena, &v);
	json_object_put(rec);
	o = json_object_new_object();
	cv_json_add_str(o, "decision", v.decision);
	cv_json_add_str(o, "reason", v.reason);
	cv_json_add_str(o, "rule_id", v.rule_id);
	cv_json_add_str(o, "severity", v.severity);
	cv_json_add_str(o, "approver_group", v.approver_group);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

static const struct cv_route routes[] = {
	{ CV_GET, "/agents", h_agents, 0,
	    "List registered agents, filtered by status and owner", NULL },
	{ CV_POST, "/agents", h_agent_put, CV_BODY_JSON,
	    "Create or update an agent identity", NULL },
	{ CV_GET, "/agents/profiles", h_profiles, 0,
	    "Predefined coding-agent profiles", NULL },
	{ CV_GET, "/agents/{agent_id}", h_agent, 0,
	    "One registered agent", NULL },
	{ CV_GET, "/mcp/servers", h_servers, 0,
	    "List MCP server trust records, filtered by tier, approval "
	    "state and capability", NULL },
	{ CV_POST, "/mcp/servers", h_server_put, CV_BODY_JSON,
	    "Create or update an MCP server trust record", NULL },
	{ CV_GET, "/mcp/servers/{server_id}", h_server, 0,
	    "One MCP server trust record, by server_id or name", NULL },
	{ CV_GET, "/mcp/tool-classifications", h_classifications, 0,
	    "MCP capability classifications, or one by capability", NULL },
	{ CV_GET, "/mcp/trust", h_trust, 0,
	    "Check a server, tool and capability against the MCP trust "
	    "registry", NULL },
};

/* Opens the registry store in each worker. */
static enum cv_err
worker_init(void)
{
	return cv_store_open(&cv_store_registry, &reg);
}

static void
worker_fini(void)
{
	cv_store_close(reg);
	reg = NULL;
}

static const struct cv_app app = {
	.name = "cavra-registry",
	.routes = routes,
	.nroutes = nitems(routes),
	.worker_init = worker_init,
	.worker_fini = worker_fini,
};

int
main(int argc, char **argv)
{
	return cv_serve_main(&app, argc, argv);
}
