/*
 * cavra-integrations: the inventory of the tools CAVRA is connected to
 * (record-contracts.md 3.1) and live delivery of an event to them
 * through the connectors of CAVRA_CONNECTOR_CONFIG (lib/connector.c).
 *
 * Integrations are a resource: list, get and upsert are the library's,
 * driven by the field table below.  A get matches the integration_id,
 * else the first integration (in id order) of that provider.  Delivery
 * persists nothing; it waits on the receivers in its own request thread
 * (CV_INTEGRATION_THREADS per worker), so other requests go on meanwhile.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "cavra.h"
#include "cv_connector.h"

static const char *const categories[] = {
	"source_control", "ci_cd", "siem", "itsm", "chatops", "identity",
	"cloud", "storage", "security", "observability", NULL
};
static const char *const statuses[] = {
	"planned", "configured", "active", "paused", "disabled", NULL
};
static const char *const health[] = {
	"unknown", "healthy", "degraded", "failed", "not_checked", NULL
};

static const char *const id_keys[] = { "integration_id", "id", NULL };

/* The name: the provider unless given. */
static const char *
dflt_name(struct json_object *rec)
{
	return cv_json_str_or(rec, "provider", "");
}

/*
 * An integration without integration_id or id: the slug of
 * "<provider>-<environment>" (environment default "global"): ASCII
 * letters and digits lower-cased, other ASCII characters as '-', bytes
 * of other characters kept, '-' trimmed at both ends.  400 when the
 * provider is missing, either is not a string, or the slug is empty.
 */
static enum cv_err
slug_id(struct cv_req *req, struct json_object *body, const char **id)
{
	const char	*prov = NULL, *env = NULL;
	char		*s, *p;

	*id = NULL;
	if (cv_json_str(body, "provider", &prov) == CV_JGET_TYPE)
		return cv_fail_field(req, CV_EINVAL, "provider", "invalid "
		    "integration record: provider must be a string");
	if (prov == NULL || *prov == '\0')
		return cv_fail_field(req, CV_EINVAL, "provider", "invalid "
		    "integration record: provider is required");
	if (cv_json_str(body, "environment", &env) == CV_JGET_TYPE)
		return cv_fail_field(req, CV_EINVAL, "environment", "invalid "
		    "integration record: environment must be a string");
	s = cv_arena_printf(req->arena, "%s-%s", prov, env != NULL ? env :
	    "global");
	for (p = s; *p != '\0'; p++)
		if (isalnum((unsigned char)*p))
			*p = (char)tolower((unsigned char)*p);
		else if ((unsigned char)*p < 0x80)
			*p = '-';
	while (p > s && p[-1] == '-')
		*--p = '\0';
	for (p = s; *p == '-'; p++)
		continue;
	if (*p == '\0')
		return cv_fail_field(req, CV_EINVAL, "integration_id",
		    "invalid integration record: integration_id is required");
	*id = p;
	return CV_OK;
}

/*
 * After the table: an empty name is the provider's, and tenant_id and
 * workspace_id are kept only when set, as strings (a number or boolean
 * as its JSON text).  400 when one is an object or array.
 */
static enum cv_err
finish(struct cv_req *req, struct cv_store *s, struct json_object *rec,
    struct json_object *old)
{
	static const char *const scope[] = { "tenant_id", "workspace_id",
	    NULL };
	const char *const	*k;
	struct json_object	*v;
	const char		*name;

	(void)s;
	(void)old;
	if (cv_json_str(rec, "name", &name) == CV_JGET_OK && *name == '\0')
		cv_json_add_str(rec, "name", cv_json_str_or(rec, "provider",
		    ""));
	for (k = scope; *k != NULL; k++) {
		if (!json_object_object_get_ex(rec, *k, &v))
			continue;
		if (v == NULL || (json_object_is_type(v, json_type_string) &&
		    json_object_get_string_len(v) == 0)) {
			json_object_object_del(rec, *k);
			continue;
		}
		if (json_object_is_type(v, json_type_object) ||
		    json_object_is_type(v, json_type_array))
			return cv_fail_field(req, CV_EINVAL, *k, "invalid "
			    "integration record: %s must be a string", *k);
		if (!json_object_is_type(v, json_type_string))
			cv_json_add_str(rec, *k, cv_json_key(req->arena, v));
	}
	return CV_OK;
}

static const struct cv_field fields[] = {
	{ "name", CV_F_STRING, 0, NULL, NULL, dflt_name },
	{ "provider", CV_F_STRING, CV_FF_FILTER | CV_FF_REQUIRED, NULL, NULL,
	    NULL, NULL, NULL, "any name; deliveries go to connectors by it "
	    "(exact filter)" },
	{ "category", CV_F_ENUM, CV_FF_FILTER, "security", categories },
	{ "status", CV_F_ENUM, CV_FF_FILTER, "planned", statuses },
	{ "health_status", CV_F_ENUM, CV_FF_FILTER, "not_checked", health },
	{ "owner", CV_F_STRING, CV_FF_FILTER, "platform-security" },
	{ "environment", CV_F_STRING, CV_FF_FILTER, "global" },
	{ "auth_mode", CV_F_STRING, 0, "not_configured" },
	{ "endpoint_ref", CV_F_ANY, 0, NULL, NULL, NULL, NULL, NULL,
	    "kept as given (a reference, never a secret)" },
	{ "capabilities", CV_F_STRLIST, CV_FF_SCALARS },
	{ "repositories", CV_F_STRLIST, CV_FF_SCALARS },
	{ "last_checked_at", CV_F_ANY, 0, NULL, NULL, NULL, NULL, NULL,
	    "kept as given" },
	{ "created_at", CV_F_TIME, CV_FF_KEEP | CV_FF_NOW },
	{ "updated_at", CV_F_TIME, CV_FF_TOUCH },
	{ "evidence_refs", CV_F_STRLIST, CV_FF_SCALARS },
	{ "tenant_id", CV_F_ANY, CV_FF_OPTIONAL, NULL, NULL, NULL, NULL, NULL,
	    "present only when given non-empty (a string)" },
	{ "workspace_id", CV_F_ANY, CV_FF_OPTIONAL, NULL, NULL, NULL, NULL,
	    NULL, "present only when given non-empty (a string)" },
};

static const struct cv_resource integrations = {
	.what = "integration",
	.schema_version = "cavra.integration.v1",
	.store = &cv_store_integrations,
	.coll = 0,
	.id_field = "integration_id",
	.id_keys = id_keys,
	.id_fn = slug_id,
	.fields = fields,
	.nfields = nitems(fields),
	.alt_key = "provider",
	.finish = finish,
	.doc = "A tool CAVRA is connected to (SIEM, ITSM, chat, CI, ...)",
};

/*
 * POST /integrations/{integration_id}/deliver: {event?, provider?,
 * retries?, timeout_seconds?}.  The event is the body's `event` object,
 * else the whole body, over a base naming the integration; `provider` is
 * "all" or a comma-separated list (default: the integration's
 * provider).  Answers the connector delivery record; a failed delivery
 * is in it, not an error.  404 for an unknown integration, then 400
 * without a connector config, for a provider not configured, or bad
 * settings.
 */
static enum cv_err
h_deliver(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*rec = NULL, *event = NULL, *src, *out;
	const char		*which = NULL;
	char			 err[1024];
	double			 timeout;
	int			 retries;
	enum cv_err		 rc;

	if ((rc = cv_rs_find(req, &integrations, cv_param(req,
	    "integration_id"), &rec)) != CV_OK)
		return rc;
	if (rec == NULL)
		return cv_fail(req, CV_ENOENT, "integration not found");
	if (!cv_connector_configured()) {
		rc = cv_fail(req, CV_EINVAL, "connector config is not "
		    "configured");
		goto out;
	}
	if (cv_json_str(req->json, "provider", &which) == CV_JGET_TYPE) {
		rc = cv_fail_field(req, CV_EINVAL, "provider", "provider must "
		    "be a string");
		goto out;
	}
	if (which == NULL || *which == '\0')
		which = cv_json_str_or(rec, "provider", "all");
	if ((rc = cv_connector_opts(req, req->json, &retries, &timeout)) !=
	    CV_OK)
		goto out;
	if (!json_object_object_get_ex(req->json, "event", &src) ||
	    !json_object_is_type(src, json_type_object))
		src = req->json;
	event = json_object_new_object();
	cv_json_add_str(event, "event_type", "cavra.integration.delivery");
	cv_json_add_str(event, "product", CV_PRODUCT);
	cv_json_add_str(event, "integration_id", cv_json_str_or(rec,
	    "integration_id", NULL));
	cv_json_add_str(event, "integration_provider", cv_json_str_or(rec,
	    "provider", NULL));
	cv_json_add_str(event, "integration_category", cv_json_str_or(rec,
	    "category", NULL));
	json_object_object_foreach(src, key, val)
		json_object_object_add(event, key, json_object_get(val));
	err[0] = '\0';
	if (cv_connector_deliver(req->arena, event, which, retries, timeout,
	    &out, err, sizeof(err)) != CV_OK) {
		rc = cv_fail(req, CV_EINVAL, "%s", err);
		goto out;
	}
	cv_resp_json(resp, 200, out);
	rc = CV_OK;
out:
	json_object_put(event);
	json_object_put(rec);
	return rc;
}

/* At start: the connector config, checked entry by entry. */
static enum cv_err
init(void)
{
	return cv_connector_init();
}

#define SCHEMA_DELIVERY							\
	"{\"type\":\"object\",\"required\":[\"schema_version\","		\
	"\"product\",\"event_type\",\"event_id\",\"session_id\","	\
	"\"generated_at\",\"success\",\"deliveries\"],\"properties\":{"	\
	"\"schema_version\":{\"const\":\"cavra.connector.delivery.v1\"},"	\
	"\"product\":{\"type\":\"string\"},\"event_id\":{\"type\":"	\
	"[\"string\",\"null\"]},\"generated_at\":{\"type\":\"string\"},"	\
	"\"success\":{\"type\":\"boolean\"},\"deliveries\":{\"type\":"	\
	"\"array\",\"items\":{\"type\":\"object\",\"required\":["	\
	"\"provider\",\"success\",\"status_code\",\"attempt_count\","	\
	"\"started_at\",\"completed_at\",\"error\",\"request\"],"	\
	"\"properties\":{\"provider\":{\"type\":\"string\"},\"success\":"	\
	"{\"type\":\"boolean\"},\"status_code\":{\"type\":[\"integer\","	\
	"\"null\"]},\"attempt_count\":{\"type\":\"integer\","		\
	"\"minimum\":1},\"error\":{\"type\":[\"string\",\"null\"]},"	\
	"\"request\":{\"type\":\"object\",\"required\":[\"method\","	\
	"\"url\",\"headers\"],\"properties\":{\"method\":{\"type\":"	\
	"\"string\"},\"url\":{\"type\":\"string\"},\"headers\":{"	\
	"\"type\":\"object\",\"additionalProperties\":{\"type\":"	\
	"\"string\"}}}}}}}}}"

static const struct cv_route routes[] = {
	{ CV_GET, "/integrations", cv_rs_list, 0,
	    "List integrations, filtered by provider, category, status, "
	    "owner, environment and health", &integrations },
	{ CV_POST, "/integrations", cv_rs_upsert, CV_BODY_JSON,
	    "Create or update an integration", &integrations,
	    .right = CV_RIGHT_OPERATE },
	{ CV_GET, "/integrations/{integration_id}", cv_rs_get, 0,
	    "One integration, by integration_id or provider", &integrations },
	{ CV_POST, "/integrations/{integration_id}/deliver", h_deliver,
	    CV_BODY_JSON, "Deliver an event to the integration's connectors "
	    "(or those named) and answer with redacted evidence", NULL, NULL,
	    SCHEMA_DELIVERY, CV_RIGHT_OPERATE },
};

static const struct cv_store_def *const stores[] = {
	&cv_store_integrations, NULL
};

CV_RESPONDER(
	.name = "cavra-integrations",
	.init = init,
	.stores = stores,
	.threads = CV_INTEGRATION_THREADS);
