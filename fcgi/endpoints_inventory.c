/*
 * cavra-endpoints routes of this file (fcgi/endpoints.h): endpoint
 * inventory ingestion and freshness, reconciliation of a desired
 * endpoint deployment manifest against observed inventory, the
 * automation that reconciles a stored ingestion, drift remediation
 * requests (approval-bound, in the approval store) and their execution,
 * hand-offs to ticket and chat systems and their status callbacks
 * (workflows.md §9 rows 23-42 and 73-74, §11.3-§11.6, §12).
 *
 * Every POST is a builder of lib/cv_wfstep.h (cv_wf_h_build) that
 * queues its records; lists are cv_wf_h_history rows; dashboards are
 * builders that count stored records and write nothing.  No route here
 * checks an actor (release family): requested_by, executed_by and
 * recorded_by are taken from the body, "console" by default.
 *
 * A deliberate difference from the reference: when
 * CAVRA_ENDPOINT_MANIFEST_PUBLIC_KEY holds an Ed25519 public key (PEM),
 * the desired manifest of a reconcile must come with its detached
 * signature (body member "signature", cavra.go-release.signature.v1) and
 * the signature must verify over the manifest's canonical JSON under
 * that key; a tampered manifest is refused with 400.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_approval.h"
#include "cv_crypto.h"
#include "cv_wfstep.h"

#include "endpoints.h"

#define MANIFEST_KEY_ENV	"CAVRA_ENDPOINT_MANIFEST_PUBLIC_KEY"
#define MANIFEST_SCHEMA		"cavra.go-runtime.endpoint-deployment.v1"
#define OBSERVATIONS_SCHEMA	"cavra.endpoint-observations.v1"
#define SIGNATURE_SCHEMA	"cavra.go-release.signature.v1"
#define APPROVER_GROUP		"Endpoint Change Advisory Board"
#define UNKNOWN_TARGET		"unknown-target"
#define ID_HEX			12	/* release family: prefix_ + 12 hex */

/* ---- record kinds (§7.2) ---------------------------------------------- */

static const struct cv_wf_kind k_ingest = {
	"endpoint-inventory-ingestion", "inventory_id", "eii", "ingestion",
	"cavra.endpoint-inventory-ingestion.v1"
};
static const struct cv_wf_kind k_fresh = {
	"endpoint-inventory-freshness-report", "report_id", "eif", "report",
	"cavra.endpoint-inventory-freshness.v1"
};
static const struct cv_wf_kind k_recon = {
	"managed-endpoint-reconciliation", "reconciliation_id", "mer",
	"report", "cavra.endpoint-reconciliation.v1"
};
static const struct cv_wf_kind k_auto = {
	"endpoint-reconciliation-automation", "automation_id", "era",
	"automation", "cavra.endpoint-reconciliation-automation.v1"
};
static const struct cv_wf_kind k_request = {
	"endpoint-drift-remediation-request", "request_id", "err", "request",
	"cavra.endpoint-drift-remediation-request.v1"
};
static const struct cv_wf_kind k_exec = {
	"endpoint-drift-remediation-execution", "execution_id", "ere",
	"execution", "cavra.endpoint-drift-remediation-execution.v1"
};
static const struct cv_wf_kind k_handoff = {
	"endpoint-remediation-handoff", "handoff_id", "erh", "handoff",
	"cavra.endpoint-remediation-handoff.v1"
};
static const struct cv_wf_kind k_status = {
	"endpoint-remediation-handoff-status", "status_id", "erhs",
	"status_record", "cavra.endpoint-remediation-handoff-status.v1"
};

static const char *const ingest_index[] = { "inventory_id", "provider",
	"channel", "observed_at", "endpoint_count", "deployment_targets",
	"missing_target_count", "version_count", "checksum_count", "warnings",
	"inventory", NULL };
static const char *const fresh_index[] = { "report_id", "alert_level",
	"max_age_hours", "critical_age_hours", "scope", "summary",
	"latest_ingestions", "alerts", NULL };
static const char *const recon_index[] = { "reconciliation_id",
	"drift_status", "alert_level", "release", "observed_at", "channel",
	"deployment_targets", "drift_items", NULL };
static const char *const recon_counts[] = { "desired_target_count",
	"observed_endpoint_count", "compliant_endpoint_count",
	"drifted_endpoint_count", "missing_target_count",
	"unknown_target_count", "stale_endpoint_count", NULL };
static const char *const auto_index[] = { "automation_id",
	"reconciliation_id", "approval_id", "approval_state", "drift_status",
	"alert_level", "release", "channel", "inventory_id", "provider",
	"observed_at", "summary", "evidence_refs", NULL };
static const char *const request_index[] = { "request_id",
	"reconciliation_id", "drift_status", "alert_level", "strategy",
	"action_count", "release", "channel", "actions", "evidence_refs",
	NULL };
static const char *const exec_index[] = { "execution_id", "request_id",
	"reconciliation_id", "execution_status", "strategy", "approval_id",
	"release", "channel", "action_results", "evidence_refs", NULL };
static const char *const handoff_index[] = { "handoff_id", "request_id",
	"reconciliation_id", "approval_id", "approval_state", "providers",
	"provider_count", "action_count", "strategy", "alert_level",
	"release", "channel", "delivery_mode", "evidence_refs", NULL };
static const char *const status_index[] = { "status_id", "handoff_id",
	"request_id", "reconciliation_id", "provider", "external_ref",
	"external_url", "approval_id", "approval_state", "action_count",
	"release", "channel", "evidence_refs", NULL };

/* ---- small helpers ---------------------------------------------------- */

/* Member key of o (borrowed), or NULL when absent or null. */
static struct json_object *
jget(struct json_object *o, const char *key)
{
	struct json_object	*v = NULL;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* Member key of o when it is an object (borrowed), else NULL. */
static struct json_object *
jobj(struct json_object *o, const char *key)
{
	struct json_object	*v = jget(o, key);

	return json_object_is_type(v, json_type_object) ? v : NULL;
}

/* Member key of o when it is an array (borrowed), else NULL. */
static struct json_object *
jarr(struct json_object *o, const char *key)
{
	struct json_object	*v = jget(o, key);

	return json_object_is_type(v, json_type_array) ? v : NULL;
}

/* Member key of o when it is a string, else NULL. */
static const char *
jstr(struct json_object *o, const char *key)
{
	struct json_object	*v = jget(o, key);

	return json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

/* Member key of o as an integer (0 when absent or not a number). */
static int64_t
jint(struct json_object *o, const char *key)
{
	struct json_object	*v = jget(o, key);

	if (json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double))
		return json_object_get_int64(v);
	return 0;
}

/* The text of a scalar (string as is, number as JSON), NULL for absent,
 * null, empty or composite values; arena. */
static const char *
scalar_text(struct cv_arena *a, struct json_object *v)
{
	const char	*s;

	if (v == NULL)
		return NULL;
	switch (json_object_get_type(v)) {
	case json_type_string:
		s = json_object_get_string(v);
		return *s != '\0' ? s : NULL;
	case json_type_int:
	case json_type_double:
	case json_type_boolean:
		return cv_arena_strdup(a, json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN));
	default:
		return NULL;
	}
}

/* x (>= 0) rounded to two decimals. */
static double
hundredths(double x)
{
	return (double)(int64_t)(x * 100 + 0.5) / 100;
}

/* Hours (>= 0) with two decimals, as a JSON number; new. */
static struct json_object *
hours_json(double h)
{
	char	 buf[64];
	size_t	 n;

	h = hundredths(h);
	snprintf(buf, sizeof(buf), "%.2f", h);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	return json_object_new_double_s(h, buf);
}

/* An array of strings from a NULL-terminated list; new. */
static struct json_object *
str_list(const char *const *v)
{
	struct json_object	*a = json_object_new_array();

	for (; *v != NULL; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

static void
push_str(struct json_object *arr, const char *s)
{
	json_object_array_add(arr, json_object_new_string(s));
}

/* qsort-style order of two JSON strings. */
static int
str_cmp(const void *a, const void *b)
{
	struct json_object *const *x = a, *const *y = b;

	return strcmp(json_object_get_string(*x), json_object_get_string(*y));
}

/* qsort-style order of two objects by their "provider". */
static int
provider_cmp(const void *a, const void *b)
{
	struct json_object *const *x = a, *const *y = b;

	return strcmp(cv_json_str_or(*x, "provider", ""), cv_json_str_or(*y,
	    "provider", ""));
}

/* Adds s to the string array arr unless it is there. */
static void
add_unique(struct json_object *arr, const char *s)
{
	if (!cv_json_has_str(arr, s))
		push_str(arr, s);
}

/* Adds n to the integer member key of counter object o. */
static void
count_add(struct json_object *o, const char *key, int64_t n)
{
	cv_json_add_int(o, key, jint(o, key) + n);
}

/* SHA-256 hex of the canonical JSON of o; arena. */
static const char *
canon_sha(struct cv_arena *a, struct json_object *o)
{
	const char	*t = cv_json_canonical(a, o);

	return cv_sha256_hex(a, t, strlen(t));
}

/* "<prefix>_" and 12 hex digits over the canonical JSON of m (m is
 * consumed); arena. */
static const char *
id_over(struct cv_arena *a, const char *prefix, struct json_object *m)
{
	const char	*id;

	id = cv_wf_id_n(a, prefix, '_', ID_HEX, m, NULL);
	json_object_put(m);
	return id;
}

/* The {valid, errors, warnings} head of a builder result; new. */
static struct json_object *
result_new(struct json_object *warnings)
{
	struct json_object	*o = json_object_new_object();

	cv_json_add_bool(o, "valid", 1);
	json_object_object_add(o, "errors", json_object_new_array());
	json_object_object_add(o, "warnings", warnings != NULL ?
	    json_object_get(warnings) : json_object_new_array());
	return o;
}

/* An integer body member in [min, max] (absent: dflt). */
static enum cv_err
body_hours(struct cv_wf_ctx *ctx, const char *key, int64_t dflt,
    int64_t *out)
{
	return cv_wf_int(ctx, key, dflt, 1, CV_EP_HOURS_MAX, out);
}

/* A string body member or dflt when absent or empty. */
static enum cv_err
body_str(struct cv_wf_ctx *ctx, const char *key, const char *dflt,
    const char **out)
{
	enum cv_err	 rc;

	if ((rc = cv_wf_str(ctx, key, out)) != CV_OK)
		return rc;
	if (*out == NULL || **out == '\0')
		*out = dflt;
	return CV_OK;
}

/* ---- ingestion (§11.3) ---------------------------------------------- */

struct provider_shape {
	const char		*name;
	const char *const	 lists[7];	/* keys holding endpoints */
};

static const struct provider_shape shapes[] = {
	{ "jamf", { "computers", "devices", "endpoints", "items", "results",
	    NULL } },
	{ "intune", { "devices", "managedDevices", "value", "endpoints",
	    "items", NULL } },
	{ "linux", { "endpoints", "hosts", "nodes", "items", "devices",
	    NULL } },
	{ "edr", { "assets", "devices", "endpoints", "hosts", "items",
	    "resources", NULL } },
};

/* A normalised field and the provider fields it is read from. */
struct field_map {
	const char		*field;
	const char *const	 from[12];
};

static const struct field_map endpoint_fields[] = {
	{ "endpoint_id", { "endpoint_id", "device_id", "deviceId", "id",
	    "udid", "serial_number", "serialNumber", "computer_id",
	    "hostname", "name", "deviceName", NULL } },
	{ "deployment_target", { "deployment_target", "target_id", "target",
	    "assignment", "policy_name", "policyName", "smart_group", "group",
	    "collection", "deploymentGroup", NULL } },
	{ "installed_version", { "installed_version", "version",
	    "runtime_version", "cavra_version", "agent_version", NULL } },
	{ "binary_sha256", { "binary_sha256", "sha256", "checksum", NULL } },
	{ "last_seen_at", { "last_seen_at", "last_seen", "lastSeen",
	    "lastSyncDateTime", "last_contact_time", "lastContactTime",
	    "last_check_in", NULL } },
	{ "provider", { NULL } },
	{ "hostname", { "hostname", "host_name", "computer_name",
	    "deviceName", "name", NULL } },
	{ "serial_number", { "serial_number", "serialNumber", NULL } },
	{ "os", { "os", "operatingSystem", "os_version", "osVersion",
	    "platform", NULL } },
	{ "management_state", { "management_state", "managementState",
	    "management_status", "complianceState", NULL } },
};

/* The first present field of from[] in item, then in item.cavra, then
 * in item.runtime (runtime fields may nest there); arena or NULL. */
static const char *
item_field(struct cv_arena *a, struct json_object *item,
    const char *const *from)
{
	struct json_object	*where[3];
	const char *const	*f;
	const char		*s;
	size_t			 i;

	where[0] = item;
	where[1] = jobj(item, "cavra");
	where[2] = jobj(item, "runtime");
	for (i = 0; i < nitems(where); i++)
		for (f = from; where[i] != NULL && *f != NULL; f++)
			if ((s = scalar_text(a, jget(where[i], *f))) != NULL)
				return s;
	return NULL;
}

/* The endpoint list of a provider export (the first list found under
 * the provider's keys, else an already normalised payload's endpoints),
 * borrowed or NULL. */
static struct json_object *
source_items(const struct provider_shape *ps, struct json_object *inv)
{
	const char *const	*k;
	struct json_object	*v;

	for (k = ps->lists; *k != NULL; k++)
		if ((v = jarr(inv, *k)) != NULL)
			return v;
	return jarr(inv, "endpoints");
}

/* The cavra.endpoint-observations.v1 endpoint of export item n (from
 * 1) of provider; a warning added when it names no target.  New. */
static struct json_object *
normalise_item(struct cv_arena *a, const char *provider,
    struct json_object *item, size_t n, struct json_object *warnings)
{
	struct json_object	*e = json_object_new_object();
	const char		*v;
	size_t			 i;

	for (i = 0; i < nitems(endpoint_fields); i++) {
		if (strcmp(endpoint_fields[i].field, "provider") == 0) {
			cv_json_add_str(e, "provider", provider);
			continue;
		}
		v = item_field(a, item, endpoint_fields[i].from);
		if (v == NULL && i == 0)
			v = cv_arena_printf(a, "%s-endpoint-%zu", provider, n);
		if (v == NULL && strcmp(endpoint_fields[i].field,
		    "deployment_target") == 0) {
			v = UNKNOWN_TARGET;
			push_str(warnings, cv_arena_printf(a, "endpoint %s did "
			    "not include a deployment target",
			    jstr(e, "endpoint_id")));
		}
		if (v != NULL)
			cv_json_add_str(e, endpoint_fields[i].field, v);
	}
	return e;
}

/*
 * POST /endpoint-inventory/ingest: a Jamf, Intune, Linux fleet or EDR
 * export (body inventory or payload) normalised into
 * cavra.endpoint-observations.v1 and stored as an ingestion record.
 * Answers the ingestion result and its metadata.
 */
static enum cv_err
build_ingest(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	const struct provider_shape *ps = NULL;
	struct json_object	*inv, *items, *warnings, *eps, *e, *inventory,
				*ing, *targets, *rec, *m;
	const char		*prov, *channel, *observed, *source, *id;
	size_t			 i, n;
	int64_t			 missing = 0, versions = 0, sums = 0;
	enum cv_err		 rc;

	if ((rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "channel", &channel)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "observed_at", &observed)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "source", &source)) != CV_OK)
		return rc;
	if ((inv = jobj(ctx->req->json, "inventory")) == NULL)
		inv = jobj(ctx->req->json, "payload");
	if (prov == NULL || *prov == '\0' || inv == NULL)
		return cv_fail(ctx->req, CV_EINVAL, "provider and inventory "
		    "object are required");
	prov = cv_wf_norm(a, prov);
	for (i = 0; i < nitems(shapes); i++)
		if (strcmp(shapes[i].name, prov) == 0)
			ps = &shapes[i];
	if (ps == NULL)
		return cv_fail_field(ctx->req, CV_EINVAL, "provider",
		    "provider must be one of: jamf, intune, linux, edr");
	if (channel == NULL || *channel == '\0')
		channel = jstr(inv, "channel");
	if (observed == NULL || *observed == '\0')
		observed = jstr(inv, "observed_at");
	if (observed == NULL || *observed == '\0')
		observed = jstr(inv, "generated_at");
	if (observed == NULL || *observed == '\0')
		observed = ctx->now;

	warnings = json_object_new_array();
	eps = json_object_new_array();
	targets = json_object_new_array();
	items = source_items(ps, inv);
	n = items != NULL ? json_object_array_length(items) : 0;
	for (i = 0; i < n; i++) {
		if (!json_object_is_type(json_object_array_get_idx(items, i),
		    json_type_object))
			continue;
		e = normalise_item(a, prov, json_object_array_get_idx(items,
		    i), i + 1, warnings);
		if (strcmp(jstr(e, "deployment_target"), UNKNOWN_TARGET) == 0)
			missing++;
		add_unique(targets, jstr(e, "deployment_target"));
		versions += jstr(e, "installed_version") != NULL;
		sums += jstr(e, "binary_sha256") != NULL;
		json_object_array_add(eps, e);
	}
	if (json_object_array_length(eps) == 0)
		push_str(warnings, cv_arena_printf(a, "no endpoint records "
		    "found for provider %s", prov));
	json_object_array_sort(targets, str_cmp);

	inventory = cv_wf_doc(ctx, OBSERVATIONS_SCHEMA);
	json_object_object_del(inventory, "generated_at");
	cv_json_add_str(inventory, "provider", prov);
	cv_json_add_str(inventory, "channel", channel);
	cv_json_add_str(inventory, "observed_at", observed);
	json_object_object_add(inventory, "endpoints", eps);
	cv_json_add_str(inventory, "source", source);
	m = json_object_new_object();
	cv_json_add_str(m, "provider", prov);
	json_object_object_add(m, "inventory", json_object_get(inventory));
	cv_json_add_str(m, "created_at", ctx->now);
	id = id_over(a, k_ingest.prefix, m);

	ing = cv_wf_doc(ctx, k_ingest.schema);
	json_object_object_del(ing, "generated_at");
	cv_json_add_str(ing, "inventory_id", id);
	cv_json_add_str(ing, "provider", prov);
	cv_json_add_str(ing, "created_at", ctx->now);
	cv_json_add_str(ing, "observed_at", observed);
	cv_json_add_str(ing, "channel", channel);
	cv_json_add_str(ing, "source", source);
	json_object_object_add(ing, "source_schema_version",
	    cv_json_ref(inv, "schema_version"));
	cv_json_add_int(ing, "endpoint_count", (int64_t)
	    json_object_array_length(eps));
	json_object_object_add(ing, "deployment_targets", targets);
	cv_json_add_int(ing, "missing_target_count", missing);
	cv_json_add_int(ing, "version_count", versions);
	cv_json_add_int(ing, "checksum_count", sums);
	json_object_object_add(ing, "inventory", inventory);
	json_object_object_add(ing, "controls", str_list((const char *const
	    []){ "provider-export-normalized",
	    "no-connector-credentials-stored",
	    "canonical-endpoint-observation-schema-emitted",
	    "reconciliation-ready-inventory-generated", NULL }));
	json_object_object_add(ing, "warnings", json_object_get(warnings));

	ctx->by = "endpoint-inventory-ingestion";
	rec = cv_wf_keep(ctx, &k_ingest, ing, 0, 0, 0, ingest_index);
	*answer = result_new(warnings);
	cv_json_add_str(*answer, "inventory_id", id);
	cv_json_add_str(*answer, "provider", prov);
	json_object_object_add(*answer, "inventory", json_object_get(
	    inventory));
	json_object_object_add(*answer, "ingestion", ing);
	json_object_object_add(*answer, "files", json_object_new_array());
	json_object_object_add(*answer, "metadata", json_object_get(rec));
	json_object_put(warnings);
	return CV_OK;
}

/* GET /endpoint-inventory-ingestions/dashboard. */
static enum cv_err
build_ingest_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*all, *r, *provs, *p, *list, *latest;
	const char		*name, *obs, *last;
	int64_t			 eps = 0, missing = 0;
	size_t			 i, n;
	enum cv_err		 rc;

	if ((rc = cv_wf_load(ctx, k_ingest.kind, &all)) != CV_OK)
		return rc;
	provs = json_object_new_object();
	latest = json_object_new_array();
	n = json_object_array_length(all);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(all, i);
		if (i < CV_WF_LATEST_MAX)
			json_object_array_add(latest, json_object_get(r));
		eps += jint(r, "endpoint_count");
		missing += jint(r, "missing_target_count");
		name = jstr(r, "provider") != NULL ? jstr(r, "provider") :
		    "unknown";
		if ((p = jobj(provs, name)) == NULL) {
			p = json_object_new_object();
			cv_json_add_str(p, "provider", name);
			cv_json_add_int(p, "ingestions", 0);
			cv_json_add_int(p, "endpoint_count", 0);
			cv_json_add_int(p, "missing_target_count", 0);
			json_object_object_add(p, "last_observed_at", NULL);
			json_object_object_add(provs, name, p);
		}
		count_add(p, "ingestions", 1);
		count_add(p, "endpoint_count", jint(r, "endpoint_count"));
		count_add(p, "missing_target_count", jint(r,
		    "missing_target_count"));
		obs = jstr(r, "observed_at") != NULL ? jstr(r, "observed_at") :
		    "";
		last = jstr(p, "last_observed_at");
		if (last == NULL || strcmp(obs, last) > 0)
			cv_json_add_str(p, "last_observed_at", obs);
	}
	list = json_object_new_array();
	json_object_object_foreach(provs, key, val) {
		(void)key;
		json_object_array_add(list, json_object_get(val));
	}
	json_object_array_sort(list, provider_cmp);
	json_object_put(provs);
	*answer = cv_wf_doc(ctx, ctx->st->schema);
	cv_json_add_str(*answer, "alert_level", missing > 0 ? "warning" :
	    "healthy");
	cv_json_add_int(*answer, "total_ingestions", (int64_t)n);
	cv_json_add_int(*answer, "endpoint_count", eps);
	cv_json_add_int(*answer, "missing_target_count", missing);
	json_object_object_add(*answer, "providers", list);
	json_object_object_add(*answer, "latest", latest);
	json_object_put(all);
	return CV_OK;
}

/* ---- freshness (§11.3) ---------------------------------------------- */

/* Whether ingestion r is inside the freshness scope. */
static int
in_scope(struct json_object *r, const char *prov, const char *channel,
    const char *target)
{
	const char	*s;

	if (prov != NULL && ((s = jstr(r, "provider")) == NULL ||
	    strcmp(s, prov) != 0))
		return 0;
	if (channel != NULL && ((s = jstr(r, "channel")) == NULL ||
	    strcmp(s, channel) != 0))
		return 0;
	return target == NULL || cv_json_has_str(jarr(r,
	    "deployment_targets"), target);
}

/* One freshness alert; new. */
static struct json_object *
fresh_alert(const char *sev, struct json_object *r, const char *prov,
    const char *chan, const char *target, const char *message)
{
	struct json_object	*al = json_object_new_object();

	cv_json_add_str(al, "severity", sev);
	json_object_object_add(al, "inventory_id",
	    cv_json_ref(r, "inventory_id"));
	cv_json_add_str(al, "provider", prov);
	cv_json_add_str(al, "channel", chan);
	cv_json_add_str(al, "deployment_target", target);
	cv_json_add_str(al, "message", message);
	return al;
}

/*
 * POST /endpoint-inventory/freshness-report: the newest ingestion per
 * (provider, channel, deployment target) in scope, aged against
 * max_age_hours (warning) and critical_age_hours (critical); stored.
 */
static enum cv_err
build_freshness(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*all = NULL, *hist, *latest, *keys, *r, *prev,
				*t, *lat, *alerts, *e, *al, *rep, *sum, *scope,
				*rec, *provs, *chans, *tgts, *m, *warnings;
	const char		*prov, *channel, *target, *pk, *ck, *tk,
				*obs, *sev, *msg, *key, *id;
	int64_t			 max_age, crit_age, warn = 0, crit = 0,
				 healthy = 0, missing = 0;
	size_t			 i, j, nt;
	time_t			 ot;
	double			 age;
	enum cv_err		 rc;

	if ((rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "channel", &channel)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "deployment_target", &target)) != CV_OK ||
	    (rc = body_hours(ctx, "max_age_hours", 24, &max_age)) != CV_OK ||
	    (rc = body_hours(ctx, "critical_age_hours", 48, &crit_age)) !=
	    CV_OK)
		return rc;
	if (prov != NULL && *prov == '\0')
		prov = NULL;
	if (channel != NULL && *channel == '\0')
		channel = NULL;
	if (target != NULL && *target == '\0')
		target = NULL;
	if (crit_age < max_age)
		crit_age = max_age;
	if ((rc = cv_wf_load(ctx, k_ingest.kind, &all)) != CV_OK)
		return rc;

	hist = json_object_new_array();
	latest = json_object_new_object();
	for (i = 0; i < json_object_array_length(all); i++) {
		r = json_object_array_get_idx(all, i);
		if (!in_scope(r, prov, channel, target))
			continue;
		json_object_array_add(hist, json_object_get(r));
		missing += jint(r, "missing_target_count");
		pk = jstr(r, "provider") != NULL ? jstr(r, "provider") :
		    "unknown";
		ck = jstr(r, "channel") != NULL && *jstr(r, "channel") !=
		    '\0' ? jstr(r, "channel") : "unassigned";
		t = jarr(r, "deployment_targets");
		nt = t != NULL ? json_object_array_length(t) : 0;
		for (j = 0; j < (nt > 0 ? nt : 1); j++) {
			tk = nt > 0 ? json_object_get_string(
			    json_object_array_get_idx(t, j)) : UNKNOWN_TARGET;
			key = cv_arena_printf(a, "%s\x01%s\x01%s", pk, ck, tk);
			prev = jget(latest, key);
			if (prev == NULL || strcmp(cv_json_str_or(r,
			    "observed_at", ""), cv_json_str_or(prev,
			    "observed_at", "")) > 0)
				json_object_object_add(latest, key,
				    json_object_get(r));
		}
	}
	keys = json_object_new_array();
	json_object_object_foreach(latest, lk, lv) {
		(void)lv;
		push_str(keys, lk);
	}
	json_object_array_sort(keys, str_cmp);

	lat = json_object_new_array();
	alerts = json_object_new_array();
	provs = json_object_new_array();
	chans = json_object_new_array();
	tgts = json_object_new_array();
	for (i = 0; i < json_object_array_length(keys); i++) {
		key = json_object_get_string(json_object_array_get_idx(keys,
		    i));
		r = jget(latest, key);
		pk = key;
		ck = strchr(pk, '\x01') + 1;
		tk = strchr(ck, '\x01') + 1;
		pk = cv_arena_strndup(a, pk, (size_t)(ck - 1 - pk));
		ck = cv_arena_strndup(a, ck, (size_t)(tk - 1 - ck));
		add_unique(provs, pk);
		add_unique(chans, ck);
		add_unique(tgts, tk);
		obs = jstr(r, "observed_at");
		if (obs == NULL || *obs == '\0')
			obs = cv_json_str_or(r, "created_at", "");
		sev = "healthy";
		e = json_object_new_object();
		json_object_object_add(e, "inventory_id",
		    cv_json_ref(r, "inventory_id"));
		cv_json_add_str(e, "provider", pk);
		cv_json_add_str(e, "channel", ck);
		cv_json_add_str(e, "deployment_target", tk);
		cv_json_add_str(e, "observed_at", obs);
		if (cv_wf_ts_parse(obs, &ot) != 0) {
			sev = "warning";
			json_object_object_add(e, "age_hours", NULL);
			msg = cv_arena_printf(a, "Endpoint inventory timestamp "
			    "is invalid for %s/%s/%s.", pk, ck, tk);
		} else {
			age = (double)(ctx->t - ot) / 3600.0;
			if (age < 0)
				age = 0;
			age = hundredths(age);
			if (age >= (double)crit_age)
				sev = "critical";
			else if (age >= (double)max_age)
				sev = "warning";
			json_object_object_add(e, "age_hours",
			    hours_json(age));
			msg = strcmp(sev, "healthy") != 0 ? cv_arena_printf(a,
			    "Latest endpoint inventory for %s/%s/%s is %sh "
			    "old.", pk, ck, tk, json_object_to_json_string(
			    jget(e, "age_hours"))) : cv_arena_printf(a,
			    "Latest endpoint inventory for %s/%s/%s is within "
			    "SLA.", pk, ck, tk);
		}
		cv_json_add_str(e, "severity", sev);
		cv_json_add_int(e, "endpoint_count", jint(r,
		    "endpoint_count"));
		cv_json_add_int(e, "missing_target_count", jint(r,
		    "missing_target_count"));
		if (strcmp(sev, "healthy") == 0)
			healthy++;
		else {
			al = fresh_alert(sev, r, pk, ck, tk, msg);
			cv_json_add_str(al, "observed_at", obs);
			json_object_object_add(al, "age_hours",
			    cv_json_ref(e, "age_hours"));
			json_object_array_add(alerts, al);
		}
		if (jint(r, "missing_target_count") > 0)
			json_object_array_add(alerts, fresh_alert("warning", r,
			    pk, ck, tk, cv_arena_printf(a, "Endpoint "
			    "inventory %s includes endpoints with missing "
			    "deployment targets.", cv_json_str_or(r,
			    "inventory_id", ""))));
		json_object_array_add(lat, e);
	}
	for (i = 0; i < json_object_array_length(alerts); i++) {
		sev = jstr(json_object_array_get_idx(alerts, i), "severity");
		if (strcmp(sev, "critical") == 0)
			crit++;
		else
			warn++;
	}
	warnings = json_object_new_array();
	if (json_object_array_length(keys) == 0)
		push_str(warnings, "no endpoint inventory ingestion records "
		    "matched the freshness scope");

	scope = json_object_new_object();
	cv_json_add_str(scope, "provider", prov);
	cv_json_add_str(scope, "channel", channel);
	cv_json_add_str(scope, "deployment_target", target);
	m = json_object_new_object();
	json_object_object_add(m, "scope", json_object_get(scope));
	cv_json_add_int(m, "max_age_hours", max_age);
	cv_json_add_int(m, "critical_age_hours", crit_age);
	cv_json_add_str(m, "created_at", ctx->now);
	cv_json_add_int(m, "ingestion_count", (int64_t)
	    json_object_array_length(hist));
	id = id_over(a, k_fresh.prefix, m);

	sum = json_object_new_object();
	cv_json_add_int(sum, "scope_count", (int64_t)
	    json_object_array_length(keys));
	cv_json_add_int(sum, "ingestion_count", (int64_t)
	    json_object_array_length(hist));
	cv_json_add_int(sum, "healthy_count", healthy);
	cv_json_add_int(sum, "warning_count", warn);
	cv_json_add_int(sum, "critical_count", crit);
	cv_json_add_int(sum, "missing_target_count", missing);
	rep = cv_wf_doc(ctx, k_fresh.schema);
	json_object_object_del(rep, "generated_at");
	cv_json_add_str(rep, "report_id", id);
	cv_json_add_str(rep, "created_at", ctx->now);
	cv_json_add_str(rep, "alert_level", crit > 0 ? "critical" : warn > 0 ?
	    "warning" : "healthy");
	cv_json_add_int(rep, "max_age_hours", max_age);
	cv_json_add_int(rep, "critical_age_hours", crit_age);
	json_object_object_add(rep, "scope", scope);
	json_object_object_add(rep, "summary", sum);
	json_object_object_add(rep, "latest_ingestions", lat);
	json_object_object_add(rep, "alerts", alerts);
	json_object_object_add(rep, "controls", str_list((const char *const
	    []){ "endpoint-inventory-age-compared-to-sla",
	    "latest-ingestion-selected-by-provider-channel-target",
	    "public-safe-alert-metadata-only",
	    "private-connectors-required-for-source-refresh", NULL }));
	json_object_object_add(rep, "warnings", json_object_get(warnings));

	ctx->by = "endpoint-inventory-freshness";
	rec = cv_wf_keep(ctx, &k_fresh, rep, 0, crit, 0, fresh_index);
	cv_json_add_int(rec, "alert_count", (int64_t)
	    json_object_array_length(alerts));
	cv_json_add_int(rec, "warning_count", warn);
	cv_json_add_int(rec, "critical_count", crit);
	/* the scope values of latest_ingestions, for the history filters */
	json_object_object_add(rec, "providers", provs);
	json_object_object_add(rec, "channels", chans);
	json_object_object_add(rec, "deployment_targets", tgts);

	*answer = result_new(warnings);
	cv_json_add_str(*answer, "report_id", id);
	json_object_object_add(*answer, "alert_level",
	    cv_json_ref(rep, "alert_level"));
	json_object_object_add(*answer, "report", rep);
	json_object_object_add(*answer, "files", json_object_new_array());
	json_object_object_add(*answer, "metadata", json_object_get(rec));
	json_object_put(warnings);
	json_object_put(keys);
	json_object_put(latest);
	json_object_put(hist);
	json_object_put(all);
	return CV_OK;
}

/* GET /endpoint-inventory-freshness/dashboard. */
static enum cv_err
build_fresh_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*all, *r, *al, *alerts, *latest;
	int64_t			 warn = 0, crit = 0, total = 0;
	size_t			 i, j, n;
	enum cv_err		 rc;

	if ((rc = cv_wf_load(ctx, k_fresh.kind, &all)) != CV_OK)
		return rc;
	alerts = json_object_new_array();
	latest = json_object_new_array();
	n = json_object_array_length(all);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(all, i);
		if (i < CV_WF_LATEST_MAX)
			json_object_array_add(latest, json_object_get(r));
		warn += jint(r, "warning_count");
		crit += jint(r, "critical_count");
		al = jarr(r, "alerts");
		for (j = 0; al != NULL && j < json_object_array_length(al);
		    j++) {
			if (json_object_array_length(alerts) <
			    CV_EP_ALERTS_SHOWN_MAX)
				json_object_array_add(alerts, json_object_get(
				    json_object_array_get_idx(al, j)));
			total++;
		}
	}
	*answer = cv_wf_doc(ctx, ctx->st->schema);
	cv_json_add_str(*answer, "alert_level", crit > 0 ? "critical" :
	    warn > 0 ? "warning" : "healthy");
	cv_json_add_int(*answer, "report_count", (int64_t)n);
	cv_json_add_int(*answer, "warning_count", warn);
	cv_json_add_int(*answer, "critical_count", crit);
	cv_json_add_int(*answer, "alert_count", total);
	json_object_object_add(*answer, "alerts", alerts);
	json_object_object_add(*answer, "latest", latest);
	json_object_put(all);
	return CV_OK;
}

/* ---- reconciliation (§11.4, §13.3) ---------------------------------- */

/* Standard base64 (padding optional) decoded into *out (arena);
 * -1 when it is not base64. */
static int
b64_decode(struct cv_arena *a, const char *s, unsigned char **out,
    size_t *outlen)
{
	char	*u;
	size_t	 i, n;

	n = strlen(s);
	while (n > 0 && s[n - 1] == '=')
		n--;
	u = cv_arena_strndup(a, s, n);
	for (i = 0; i < n; i++) {
		if (u[i] == '-' || u[i] == '_')
			return -1;
		if (u[i] == '+')
			u[i] = '-';
		else if (u[i] == '/')
			u[i] = '_';
	}
	return cv_b64url_decode(a, u, n, out, outlen);
}

/*
 * The signature check of a desired manifest (§13.3, the deliberate
 * improvement): with CAVRA_ENDPOINT_MANIFEST_PUBLIC_KEY set, the body's
 * "signature" (cavra.go-release.signature.v1, Ed25519) must be present
 * and verify over the canonical JSON of desired under that key (the
 * key embedded in the signature is not trusted); a subject_sha256 that
 * is given must be the digest of those bytes.  *info (new) says what
 * was checked.  Fails with 400 and the problem set.
 */
static enum cv_err
manifest_verify(struct cv_wf_ctx *ctx, struct json_object *desired,
    struct json_object **info)
{
	struct cv_req		*req = ctx->req;
	struct json_object	*sig;
	const char		*pem, *canon, *digest, *s, *v;
	unsigned char		*raw;
	size_t			 rawlen;

	*info = json_object_new_object();
	sig = jobj(req->json, "signature");
	if ((pem = cv_env(MANIFEST_KEY_ENV)) == NULL || *pem == '\0') {
		cv_json_add_str(*info, "state", "not_verified");
		cv_json_add_str(*info, "reason", MANIFEST_KEY_ENV " is not "
		    "configured");
		cv_json_add_bool(*info, "signature_present", sig != NULL);
		return CV_OK;
	}
	json_object_put(*info);
	*info = NULL;
	if (sig == NULL)
		return cv_fail_field(req, CV_EINVAL, "signature",
		    "desired_manifest signature is required: "
		    MANIFEST_KEY_ENV " is configured");
	if ((s = jstr(sig, "schema_version")) == NULL || strcmp(s,
	    SIGNATURE_SCHEMA) != 0)
		return cv_fail_field(req, CV_EINVAL, "signature.schema_version",
		    "signature schema_version must be " SIGNATURE_SCHEMA);
	if ((s = jstr(sig, "algorithm")) == NULL || strcmp(s, "Ed25519") !=
	    0)
		return cv_fail_field(req, CV_EINVAL, "signature.algorithm",
		    "signature algorithm must be Ed25519");
	canon = cv_json_canonical(req->arena, desired);
	digest = cv_sha256_hex(req->arena, canon, strlen(canon));
	if ((s = jstr(sig, "subject_sha256")) != NULL && strcasecmp(s,
	    digest) != 0)
		return cv_fail_field(req, CV_EINVAL, "desired_manifest",
		    "desired_manifest does not match its signature: the "
		    "manifest digest %s is not the signed subject_sha256 %s "
		    "(manifest tampered)", digest, s);
	if ((v = jstr(sig, "value")) == NULL || b64_decode(req->arena, v,
	    &raw, &rawlen) != 0 || rawlen != CV_ED25519_SIG_LEN)
		return cv_fail_field(req, CV_EINVAL, "signature.value",
		    "signature value must be the base64 of a %d-byte "
		    "Ed25519 signature", CV_ED25519_SIG_LEN);
	if (cv_ed25519_verify(pem, canon, strlen(canon), raw, rawlen) != 1)
		return cv_fail_field(req, CV_EINVAL, "desired_manifest",
		    "desired_manifest signature does not verify under "
		    MANIFEST_KEY_ENV " (manifest tampered or signed by "
		    "another key)");
	*info = json_object_new_object();
	cv_json_add_str(*info, "state", "verified");
	cv_json_add_str(*info, "schema_version", SIGNATURE_SCHEMA);
	cv_json_add_str(*info, "algorithm", "Ed25519");
	cv_json_add_str(*info, "subject_sha256", digest);
	cv_json_add_str(*info, "public_key_sha256", cv_sha256_hex(req->arena,
	    pem, strlen(pem)));
	return CV_OK;
}

/* The endpoint manager of a desired target (jamf, intune, linux or
 * unknown) from its management_tool, deployment_channel, os or
 * platform. */
static const char *
target_provider(struct cv_arena *a, struct json_object *t)
{
	const char	*s;

	s = cv_wf_norm(a, cv_arena_printf(a, "%s %s %s %s",
	    cv_json_str_or(t, "management_tool", ""), cv_json_str_or(t,
	    "deployment_channel", ""), cv_json_str_or(t, "os", ""),
	    cv_json_str_or(t, "platform", "")));
	if (strstr(s, "jamf") != NULL || strstr(s, "macos") != NULL ||
	    strstr(s, "darwin") != NULL)
		return "jamf";
	if (strstr(s, "intune") != NULL || strstr(s, "windows") != NULL)
		return "intune";
	if (strstr(s, "linux") != NULL)
		return "linux";
	return "unknown";
}

/* A drift item; new. */
static struct json_object *
drift_item(const char *type, const char *sev, const char *target,
    const char *endpoint, const char *provider)
{
	struct json_object	*d = json_object_new_object();

	cv_json_add_str(d, "drift_type", type);
	cv_json_add_str(d, "severity", sev);
	cv_json_add_str(d, "deployment_target", target);
	cv_json_add_str(d, "endpoint_id", endpoint);
	cv_json_add_str(d, "provider", provider);
	return d;
}

/*
 * The reconciliation report of desired (a cavra.go-runtime.endpoint-
 * deployment.v1 manifest) against observed (cavra.endpoint-observations
 * .v1) with stale_after_hours, its signature checked first; *report
 * new.  Fails with 400 and the problem set.
 */
static enum cv_err
reconcile(struct cv_wf_ctx *ctx, struct json_object *desired,
    struct json_object *observed, int64_t stale_hours,
    struct json_object **report)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*errors, *targets, *obs, *items, *ids, *t,
				*e, *d, *sum, *rel, *m, *sig = NULL, *byid;
	const char		*ver, *tid, *sha, *et, *iv, *bs, *seen, *id,
				*level;
	const char		*types;
	int64_t			 compliant = 0, drifted = 0, missing = 0,
				 unknown = 0, stale = 0;
	size_t			 i, j, nobs, seen_n;
	time_t			 st;
	int			 crit, is_stale;
	enum cv_err		 rc;

	*report = NULL;
	errors = json_object_new_array();
	if (strcmp(cv_json_str_or(desired, "schema_version", ""),
	    MANIFEST_SCHEMA) != 0)
		push_str(errors, "endpoint deployment manifest has an invalid "
		    "schema_version");
	if (strcmp(cv_json_str_or(observed, "schema_version", ""),
	    OBSERVATIONS_SCHEMA) != 0)
		push_str(errors, "observed endpoint inventory has an invalid "
		    "schema_version");
	targets = json_object_new_array();
	t = jarr(desired, "deployment_targets");
	for (i = 0; t != NULL && i < json_object_array_length(t); i++) {
		e = json_object_array_get_idx(t, i);
		if (scalar_text(a, jget(e, "id")) != NULL)
			json_object_array_add(targets, json_object_get(e));
	}
	if (json_object_array_length(targets) == 0)
		push_str(errors, "endpoint deployment manifest has no "
		    "deployment_targets");
	if (json_object_array_length(errors) > 0) {
		rc = cv_fail_strings(ctx->req, CV_EINVAL,
		    "endpoint reconciliation is invalid", "desired_manifest",
		    errors);
		goto out;
	}
	if ((rc = manifest_verify(ctx, desired, &sig)) != CV_OK)
		goto out;

	obs = json_object_new_array();
	t = jarr(observed, "endpoints");
	for (i = 0; t != NULL && i < json_object_array_length(t); i++)
		if (json_object_is_type(json_object_array_get_idx(t, i),
		    json_type_object))
			json_object_array_add(obs, json_object_get(
			    json_object_array_get_idx(t, i)));
	nobs = json_object_array_length(obs);
	ver = scalar_text(a, jget(desired, "version"));
	items = json_object_new_array();
	ids = json_object_new_array();
	byid = json_object_new_object();
	for (i = 0; i < json_object_array_length(targets); i++) {
		t = json_object_array_get_idx(targets, i);
		tid = scalar_text(a, jget(t, "id"));
		push_str(ids, tid);
		json_object_object_add(byid, tid, json_object_get(t));
		sha = scalar_text(a, jget(t, "binary_sha256"));
		seen_n = 0;
		for (j = 0; j < nobs; j++) {
			e = json_object_array_get_idx(obs, j);
			if (strcmp(cv_json_str_or(e, "deployment_target", ""),
			    tid) != 0)
				continue;
			seen_n++;
			iv = scalar_text(a, jget(e, "installed_version"));
			bs = scalar_text(a, jget(e, "binary_sha256"));
			seen = scalar_text(a, jget(e, "last_seen_at"));
			types = "";
			crit = 0;
			if (iv == NULL || ver == NULL || strcmp(iv, ver) != 0) {
				types = "version_drift";
				crit = 1;
			}
			if (bs == NULL || sha == NULL || strcasecmp(bs, sha) !=
			    0) {
				types = cv_arena_printf(a, "%s%sbinary_drift",
				    types, *types != '\0' ? "," : "");
				crit = 1;
			}
			is_stale = seen != NULL && (cv_wf_ts_parse(seen, &st) !=
			    0 || ctx->t - st > stale_hours * 3600);
			if (is_stale) {
				types = cv_arena_printf(a,
				    "%s%sstale_observation", types, *types !=
				    '\0' ? "," : "");
				stale++;
			}
			if (*types == '\0') {
				compliant++;
				continue;
			}
			d = drift_item(types, crit ? "critical" : "warning",
			    tid, cv_json_str_or(e, "endpoint_id", ""),
			    target_provider(a, t));
			cv_json_add_str(d, "expected_version", ver);
			cv_json_add_str(d, "observed_version", iv);
			cv_json_add_str(d, "expected_binary_sha256", sha);
			cv_json_add_str(d, "observed_binary_sha256", bs);
			cv_json_add_str(d, "last_seen_at", seen);
			cv_json_add_str(d, "message", cv_arena_printf(a,
			    "Endpoint %s on %s: %s.", cv_json_str_or(e,
			    "endpoint_id", ""), tid, types));
			if (crit)
				drifted++;
			json_object_array_add(items, d);
		}
		if (seen_n == 0) {
			d = drift_item("missing_observation", "critical", tid,
			    NULL, target_provider(a, t));
			cv_json_add_str(d, "expected_version", ver);
			cv_json_add_str(d, "expected_binary_sha256", sha);
			cv_json_add_str(d, "message", cv_arena_printf(a,
			    "No endpoint reported deployment target %s.",
			    tid));
			missing++;
			json_object_array_add(items, d);
		}
	}
	for (j = 0; j < nobs; j++) {
		e = json_object_array_get_idx(obs, j);
		et = cv_json_str_or(e, "deployment_target", UNKNOWN_TARGET);
		if (jget(byid, et) != NULL)
			continue;
		d = drift_item("unknown_deployment_target", "warning", et,
		    cv_json_str_or(e, "endpoint_id", ""), cv_json_str_or(e,
		    "provider", "unknown"));
		cv_json_add_str(d, "message", cv_arena_printf(a, "Endpoint %s "
		    "reports deployment target %s, which the manifest does "
		    "not list.", cv_json_str_or(e, "endpoint_id", ""), et));
		unknown++;
		json_object_array_add(items, d);
	}
	level = drifted > 0 || missing > 0 ? "critical" : stale > 0 ||
	    unknown > 0 ? "warning" : "healthy";

	rel = json_object_new_object();
	cv_json_copy_keys(rel, desired, "version", "commit", "repository",
	    NULL);
	m = json_object_new_object();
	cv_json_copy_keys(m, desired, "version", "commit", NULL);
	json_object_object_add(m, "observed_at",
	    cv_json_ref(observed, "observed_at"));
	json_object_object_add(m, "endpoints", json_object_get(obs));
	id = id_over(a, k_recon.prefix, m);

	sum = json_object_new_object();
	cv_json_add_int(sum, "desired_target_count", (int64_t)
	    json_object_array_length(targets));
	cv_json_add_int(sum, "observed_endpoint_count", (int64_t)nobs);
	cv_json_add_int(sum, "compliant_endpoint_count", compliant);
	cv_json_add_int(sum, "drifted_endpoint_count", drifted);
	cv_json_add_int(sum, "missing_target_count", missing);
	cv_json_add_int(sum, "unknown_target_count", unknown);
	cv_json_add_int(sum, "stale_endpoint_count", stale);
	*report = cv_wf_doc(ctx, k_recon.schema);
	json_object_object_del(*report, "generated_at");
	cv_json_add_str(*report, "reconciliation_id", id);
	cv_json_add_str(*report, "created_at", ctx->now);
	cv_json_add_str(*report, "drift_status", strcmp(level, "healthy") ==
	    0 ? "aligned" : "drift_detected");
	cv_json_add_str(*report, "alert_level", level);
	json_object_object_add(*report, "release", rel);
	cv_json_copy_keys(*report, observed, "observed_at", "channel",
	    "provider", NULL);
	cv_json_add_int(*report, "stale_after_hours", stale_hours);
	json_object_object_add(*report, "summary", sum);
	json_object_object_add(*report, "deployment_targets", ids);
	json_object_object_add(*report, "drift_items", items);
	json_object_object_add(*report, "manifest_signature", sig);
	sig = NULL;
	json_object_object_add(*report, "controls", str_list((const char
	    *const []){ "desired-manifest-compared-to-observed-inventory",
	    "drift-classified-by-version-checksum-and-freshness",
	    "manifest-signature-verified-when-key-configured",
	    "public-report-contains-no-connector-credentials", NULL }));
	json_object_object_add(*report, "desired_manifest",
	    json_object_get(desired));
	json_object_object_add(*report, "observed_inventory",
	    json_object_get(observed));
	json_object_put(byid);
	json_object_put(obs);
out:
	json_object_put(sig);
	json_object_put(targets);
	json_object_put(errors);
	return rc;
}

/* Queues the reconciliation record of report; returns it borrowed. */
static struct json_object *
keep_recon(struct cv_wf_ctx *ctx, struct json_object *report)
{
	struct json_object	*sum, *rec;
	const char *const	*k;
	const char		*by = ctx->by;

	sum = jobj(report, "summary");
	ctx->by = "endpoint-reconciliation";
	rec = cv_wf_keep(ctx, &k_recon, report, 0, jint(sum,
	    "drifted_endpoint_count") + jint(sum, "missing_target_count"), 0,
	    recon_index);
	ctx->by = by;
	for (k = recon_counts; *k != NULL; k++)
		cv_json_add_int(rec, *k, jint(sum, *k));
	return rec;
}

/*
 * POST /endpoint-deployment/reconcile: desired_manifest against
 * observed_inventory (both objects), stale_after_hours (24); stored.
 */
static enum cv_err
build_reconcile(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*desired, *observed, *report, *rec;
	int64_t			 stale;
	enum cv_err		 rc;

	desired = jobj(ctx->req->json, "desired_manifest");
	observed = jobj(ctx->req->json, "observed_inventory");
	if (desired == NULL || observed == NULL)
		return cv_fail(ctx->req, CV_EINVAL, "desired_manifest and "
		    "observed_inventory are required objects");
	if ((rc = body_hours(ctx, "stale_after_hours", 24, &stale)) != CV_OK ||
	    (rc = reconcile(ctx, desired, observed, stale, &report)) != CV_OK)
		return rc;
	rec = keep_recon(ctx, report);
	*answer = result_new(NULL);
	cv_json_copy_keys(*answer, report, "reconciliation_id", "drift_status",
	    NULL);
	json_object_object_add(*answer, "report", report);
	json_object_object_add(*answer, "files", json_object_new_array());
	json_object_object_add(*answer, "metadata", json_object_get(rec));
	return CV_OK;
}

/* GET /endpoint-reconciliations/dashboard. */
static enum cv_err
build_recon_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*all, *r, *al, *alerts, *latest;
	int64_t			 sums[4] = { 0, 0, 0, 0 };
	const char		*lvl;
	size_t			 i, n;
	int			 crit = 0;
	enum cv_err		 rc;

	if ((rc = cv_wf_load(ctx, k_recon.kind, &all)) != CV_OK)
		return rc;
	alerts = json_object_new_array();
	latest = json_object_new_array();
	n = json_object_array_length(all);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(all, i);
		if (i < CV_WF_LATEST_MAX)
			json_object_array_add(latest, json_object_get(r));
		sums[0] += jint(r, "compliant_endpoint_count");
		sums[1] += jint(r, "drifted_endpoint_count");
		sums[2] += jint(r, "missing_target_count");
		sums[3] += jint(r, "stale_endpoint_count");
		lvl = cv_json_str_or(r, "alert_level", "");
		if (strcmp(lvl, "warning") != 0 && strcmp(lvl, "critical") !=
		    0)
			continue;
		crit |= strcmp(lvl, "critical") == 0;
		if (json_object_array_length(alerts) >= CV_EP_ALERTS_SHOWN_MAX)
			continue;
		al = json_object_new_object();
		cv_json_add_str(al, "severity", lvl);
		json_object_object_add(al, "reconciliation_id",
		    cv_json_ref(r, "reconciliation_id"));
		cv_json_add_str(al, "message", cv_arena_printf(ctx->req->arena,
		    "Endpoint reconciliation found %lld drifted endpoints and "
		    "%lld missing targets.", (long long)jint(r,
		    "drifted_endpoint_count"), (long long)jint(r,
		    "missing_target_count")));
		json_object_array_add(alerts, al);
	}
	*answer = cv_wf_doc(ctx, ctx->st->schema);
	cv_json_add_str(*answer, "alert_level", crit ? "critical" :
	    json_object_array_length(alerts) > 0 ? "warning" : "healthy");
	cv_json_add_int(*answer, "total_reconciliations", (int64_t)n);
	cv_json_add_int(*answer, "compliant_endpoint_count", sums[0]);
	cv_json_add_int(*answer, "drifted_endpoint_count", sums[1]);
	cv_json_add_int(*answer, "missing_target_count", sums[2]);
	cv_json_add_int(*answer, "stale_endpoint_count", sums[3]);
	json_object_object_add(*answer, "alerts", alerts);
	json_object_object_add(*answer, "latest", latest);
	json_object_put(all);
	return CV_OK;
}

/* ---- remediation request (§11.5) ------------------------------------ */

/* The remediation options of a body. */
struct remed_opts {
	const char	*strategy;
	const char	*requested_by;
	const char	*group;
	int64_t		 ttl;
};

static enum cv_err
remed_opts_read(struct cv_wf_ctx *ctx, const char *strategy_key,
    struct remed_opts *o)
{
	enum cv_err	 rc;

	o->strategy = NULL;
	if ((strategy_key != NULL && (rc = cv_wf_str(ctx, strategy_key,
	    &o->strategy)) != CV_OK) ||
	    ((o->strategy == NULL || *o->strategy == '\0') &&
	    (rc = body_str(ctx, "strategy", "mixed", &o->strategy)) !=
	    CV_OK) ||
	    (rc = body_str(ctx, "requested_by", "console",
	    &o->requested_by)) != CV_OK ||
	    (rc = body_str(ctx, "approver_group", APPROVER_GROUP,
	    &o->group)) != CV_OK ||
	    (rc = body_hours(ctx, "ttl_hours", 24, &o->ttl)) != CV_OK)
		return rc;
	o->strategy = cv_wf_norm(ctx->req->arena, o->strategy);
	if (strcmp(o->strategy, "mixed") != 0 && strcmp(o->strategy,
	    "republish") != 0 && strcmp(o->strategy, "rollback") != 0)
		return cv_fail_field(ctx->req, CV_EINVAL, "strategy",
		    "strategy must be one of: mixed, republish, rollback");
	return CV_OK;
}

/* The remediation actions of report's drift items under strategy;
 * new. */
static struct json_object *
remed_actions(struct cv_arena *a, struct json_object *report,
    const char *strategy)
{
	struct json_object	*items, *d, *act, *acts;
	const char		*rid, *type, *atype, *why;
	size_t			 i;

	acts = json_object_new_array();
	rid = cv_json_str_or(report, "reconciliation_id", "");
	items = jarr(report, "drift_items");
	for (i = 0; items != NULL && i < json_object_array_length(items);
	    i++) {
		d = json_object_array_get_idx(items, i);
		if (!json_object_is_type(d, json_type_object))
			continue;
		type = cv_json_str_or(d, "drift_type", "");
		if (strcmp(type, "missing_observation") == 0) {
			atype = "republish_endpoint_export";
			why = "No endpoint reported this target: republish "
			    "the endpoint-management export.";
		} else if (strcmp(type, "unknown_deployment_target") == 0) {
			atype = "review_unknown_endpoint_target";
			why = "The endpoint reports a target the manifest "
			    "does not list: review its assignment.";
		} else if (strstr(type, "version_drift") != NULL ||
		    strstr(type, "binary_drift") != NULL) {
			atype = strcmp(strategy, "rollback") == 0 ?
			    "rollback_runtime" : strcmp(strategy,
			    "republish") == 0 ? "republish_endpoint_export" :
			    "republish_or_rollback_runtime";
			why = "The installed runtime differs from the signed "
			    "manifest: restore the approved version.";
		} else if (strcmp(type, "stale_observation") == 0) {
			atype = "refresh_endpoint_inventory";
			why = "The observation is stale: refresh the endpoint "
			    "inventory before acting.";
		} else {
			atype = "review_endpoint_drift";
			why = "Review the endpoint drift.";
		}
		act = json_object_new_object();
		cv_json_add_str(act, "action_id", cv_wf_id_text_n(a,
		    k_auto.prefix, '_', ID_HEX, cv_arena_printf(a,
		    "%s:%zu:%s:%s:%s", rid, i, type, cv_json_str_or(d,
		    "deployment_target", ""), cv_json_str_or(d, "endpoint_id",
		    "")), NULL));
		cv_json_add_str(act, "action_type", atype);
		cv_json_add_str(act, "drift_type", type);
		cv_json_copy_keys(act, d, "severity", "deployment_target",
		    "endpoint_id", "provider", "expected_version",
		    "observed_version", "expected_binary_sha256",
		    "observed_binary_sha256", NULL);
		cv_json_add_str(act, "execution_mode",
		    "manual_or_private_connector");
		cv_json_add_bool(act, "requires_approval", 1);
		cv_json_add_str(act, "rationale", why);
		json_object_array_add(acts, act);
	}
	return acts;
}

/*
 * The remediation request of reconciliation report under o: its
 * actions, an approval (endpoint_drift_remediation) stored in the
 * approval store, the request record queued.  *request and *approval
 * new; *rec borrowed from the queue.  Fails with the problem set.
 */
static enum cv_err
remed_open(struct cv_wf_ctx *ctx, struct json_object *report,
    const struct remed_opts *o, struct json_object **request,
    struct json_object **approval, struct json_object **rec)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*acts, *m, *dec, *meta, *sum, *req, *ap,
				*refs;
	const char		*rid, *id, *by = ctx->by;
	enum cv_err		 rc;

	*request = *approval = *rec = NULL;
	rid = cv_json_str_or(report, "reconciliation_id", "");
	sum = jobj(report, "summary");
	acts = remed_actions(a, report, o->strategy);
	m = json_object_new_object();
	cv_json_add_str(m, "reconciliation_id", rid);
	cv_json_add_str(m, "strategy", o->strategy);
	json_object_object_add(m, "actions", json_object_get(acts));
	id = id_over(a, k_request.prefix, m);

	meta = json_object_new_object();
	cv_json_add_str(meta, "request_id", id);
	cv_json_add_str(meta, "reconciliation_id", rid);
	cv_json_add_str(meta, "strategy", o->strategy);
	cv_json_add_int(meta, "action_count", (int64_t)
	    json_object_array_length(acts));
	json_object_object_add(meta, "drift_status",
	    cv_json_ref(report, "drift_status"));
	cv_json_add_int(meta, "drifted_endpoint_count", jint(sum,
	    "drifted_endpoint_count"));
	cv_json_add_int(meta, "missing_target_count", jint(sum,
	    "missing_target_count"));
	cv_json_add_int(meta, "stale_endpoint_count", jint(sum,
	    "stale_endpoint_count"));
	dec = json_object_new_object();
	cv_json_add_str(dec, "decision_id", cv_arena_printf(a, "%s:decision",
	    id));
	cv_json_add_str(dec, "session_id", rid);
	cv_json_add_str(dec, "correlation_id", id);
	cv_json_add_str(dec, "decision", "require_approval");
	cv_json_add_str(dec, "action_type", "endpoint_drift_remediation");
	cv_json_add_str(dec, "rule_id",
	    "release.endpoint_remediation.require_approval");
	cv_json_add_str(dec, "severity", cv_json_str_or(report, "alert_level",
	    "warning"));
	cv_json_add_str(dec, "target", rid);
	cv_json_add_str(dec, "reason", "Endpoint drift remediation requires "
	    "approval before republish, rollback, or inventory refresh "
	    "actions are executed.");
	json_object_object_add(dec, "metadata", meta);
	refs = json_object_new_array();
	push_str(refs, cv_arena_printf(a, "endpoint-reconciliation://%s",
	    rid));
	json_object_object_add(dec, "evidence_refs", refs);
	rc = cv_approval_new(ctx->req, dec, o->group, o->requested_by, o->ttl,
	    &ap);
	json_object_put(dec);
	if (rc != CV_OK) {
		json_object_put(acts);
		return rc;
	}

	req = cv_wf_doc(ctx, k_request.schema);
	json_object_object_del(req, "generated_at");
	cv_json_add_str(req, "request_id", id);
	cv_json_add_str(req, "reconciliation_id", rid);
	cv_json_add_str(req, "created_at", ctx->now);
	cv_json_add_str(req, "requested_by", o->requested_by);
	cv_json_add_str(req, "strategy", o->strategy);
	cv_json_copy_keys(req, report, "drift_status", "alert_level", "release",
	    "channel", NULL);
	json_object_object_add(req, "summary", json_object_get(sum));
	cv_json_add_int(req, "action_count", (int64_t)
	    json_object_array_length(acts));
	json_object_object_add(req, "actions", acts);
	m = json_object_new_object();
	cv_json_copy_keys(m, ap, "approval_id", "state", "approver_group",
	    "decision_id", NULL);
	json_object_object_add(req, "approval", m);
	json_object_object_add(req, "controls", str_list((const char *const
	    []){ "endpoint-drift-actions-derived-from-reconciliation",
	    "approval-required-before-remediation",
	    "public-repo-records-governance-only",
	    "private-connectors-required-for-endpoint-mutation", NULL }));
	refs = json_object_new_array();
	push_str(refs, cv_arena_printf(a, "endpoint-reconciliation://%s",
	    rid));
	push_str(refs, cv_arena_printf(a, "approval://%s", cv_json_str_or(ap,
	    "approval_id", "")));
	json_object_object_add(req, "evidence_refs", refs);
	cv_json_add_str(req, "reconciliation_sha256", canon_sha(a, report));
	json_object_object_add(req, "reconciliation_report",
	    json_object_get(report));

	if ((rc = cv_approval_put(ctx->req, ap)) != CV_OK) {
		json_object_put(req);
		json_object_put(ap);
		return rc;
	}
	ctx->by = o->requested_by;
	*rec = cv_wf_keep(ctx, &k_request, req, 1, 0, 1, request_index);
	ctx->by = by;
	json_object_object_add(*rec, "approval_id",
	    cv_json_ref(ap, "approval_id"));
	json_object_object_add(*rec, "approval_state",
	    cv_json_ref(ap, "state"));
	cv_json_add_int(*rec, "drifted_endpoint_count", jint(sum,
	    "drifted_endpoint_count"));
	cv_json_add_int(*rec, "missing_target_count", jint(sum,
	    "missing_target_count"));
	cv_json_add_int(*rec, "stale_endpoint_count", jint(sum,
	    "stale_endpoint_count"));
	*request = req;
	*approval = ap;
	return CV_OK;
}

/*
 * POST /endpoint-reconciliations/{reconciliation_id}/remediation-request:
 * the request and its pending approval for a stored reconciliation.
 */
static enum cv_err
build_remed_request(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*recon, *report, *req, *ap, *rec;
	struct remed_opts	 o;
	const char		*rid;
	enum cv_err		 rc;

	rid = cv_param(ctx->req, "reconciliation_id");
	if ((rc = remed_opts_read(ctx, NULL, &o)) != CV_OK)
		return rc;
	if ((rc = cv_wf_get(ctx, rid, k_recon.kind, &recon)) == CV_ENOENT)
		return cv_fail(ctx->req, CV_ENOENT, "endpoint reconciliation "
		    "not found");
	if (rc != CV_OK)
		return rc;
	if ((report = jobj(recon, "report")) == NULL) {
		json_object_put(recon);
		return cv_fail(ctx->req, CV_EINVAL, "endpoint reconciliation "
		    "metadata has no report");
	}
	rc = remed_open(ctx, report, &o, &req, &ap, &rec);
	json_object_put(recon);
	if (rc != CV_OK)
		return rc;
	*answer = result_new(NULL);
	if (json_object_array_length(jarr(req, "actions")) == 0)
		push_str(jarr(*answer, "warnings"), "reconciliation report "
		    "has no drift items; remediation request will contain no "
		    "actions");
	cv_json_add_str(*answer, "reconciliation_id", rid);
	json_object_object_add(*answer, "request", req);
	json_object_object_add(*answer, "approval", ap);
	json_object_object_add(*answer, "files", json_object_new_array());
	json_object_object_add(*answer, "metadata", json_object_get(rec));
	return CV_OK;
}

/* ---- reconciliation automation (§11.4) ------------------------------ */

/*
 * POST /endpoint-inventory-ingestions/{inventory_id}/reconcile: the
 * stored ingestion's inventory against desired_manifest; when drift is
 * detected, a remediation request with its approval; the automation
 * record.  Stores the reconciliation, request and automation.
 */
static enum cv_err
build_automation(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*ing = NULL, *desired, *observed, *rrec,
				*report = NULL, *req = NULL, *ap = NULL,
				*qrec = NULL, *au, *m, *refs, *rec;
	struct remed_opts	 o;
	const char		*iid, *id, *reqid = NULL, *apid = NULL;
	int64_t			 stale;
	int			 drift;
	enum cv_err		 rc;

	iid = cv_param(ctx->req, "inventory_id");
	if ((rc = remed_opts_read(ctx, "remediation_strategy", &o)) != CV_OK ||
	    (rc = body_hours(ctx, "stale_after_hours", 24, &stale)) != CV_OK)
		return rc;
	if ((rc = cv_wf_get(ctx, iid, k_ingest.kind, &ing)) == CV_ENOENT)
		return cv_fail(ctx->req, CV_ENOENT, "endpoint inventory "
		    "ingestion not found");
	if (rc != CV_OK)
		return rc;
	if ((desired = jobj(ctx->req->json, "desired_manifest")) == NULL) {
		rc = cv_fail_field(ctx->req, CV_EINVAL, "desired_manifest",
		    "desired_manifest must be an object");
		goto out;
	}
	if ((observed = jobj(ing, "inventory")) == NULL)
		observed = jobj(jobj(ing, "ingestion"), "inventory");
	if (observed == NULL) {
		rc = cv_fail(ctx->req, CV_EINVAL, "ingestion record must be "
		    "endpoint-inventory-ingestion metadata, ingestion payload, "
		    "or endpoint observations");
		goto out;
	}
	if ((rc = reconcile(ctx, desired, observed, stale, &report)) != CV_OK)
		goto out;
	rrec = keep_recon(ctx, report);
	drift = strcmp(cv_json_str_or(report, "drift_status", ""),
	    "drift_detected") == 0;
	if (drift && (rc = remed_open(ctx, report, &o, &req, &ap, &qrec)) !=
	    CV_OK)
		goto out;
	if (req != NULL) {
		reqid = cv_json_str_or(req, "request_id", "");
		apid = cv_json_str_or(ap, "approval_id", "");
	}

	m = json_object_new_object();
	cv_json_copy_keys(m, desired, "version", "commit", NULL);
	cv_json_add_str(m, "inventory_id", iid);
	json_object_object_add(m, "reconciliation_id",
	    cv_json_ref(report, "reconciliation_id"));
	cv_json_add_str(m, "request_id", reqid);
	id = id_over(a, k_auto.prefix, m);
	refs = json_object_new_array();
	push_str(refs, cv_arena_printf(a, "endpoint-reconciliation://%s",
	    cv_json_str_or(report, "reconciliation_id", "")));
	if (reqid != NULL) {
		push_str(refs, cv_arena_printf(a,
		    "endpoint-remediation-request://%s", reqid));
		push_str(refs, cv_arena_printf(a, "approval://%s", apid));
	}
	au = cv_wf_doc(ctx, k_auto.schema);
	json_object_object_del(au, "generated_at");
	cv_json_add_str(au, "automation_id", id);
	cv_json_add_str(au, "created_at", ctx->now);
	cv_json_add_str(au, "requested_by", o.requested_by);
	cv_json_copy_keys(au, report, "reconciliation_id", "drift_status",
	    "alert_level", "release", "channel", NULL);
	cv_json_add_str(au, "inventory_id", iid);
	cv_json_add_str(au, "provider", jstr(ing, "provider") != NULL ?
	    jstr(ing, "provider") : jstr(observed, "provider"));
	json_object_object_add(au, "observed_at",
	    cv_json_ref(observed, "observed_at"));
	cv_json_add_str(au, "remediation_request_id", reqid);
	cv_json_add_str(au, "approval_id", apid);
	json_object_object_add(au, "approval_state", cv_json_ref(ap, "state"));
	json_object_object_add(au, "summary", cv_json_ref(report, "summary"));
	json_object_object_add(au, "controls", str_list((const char *const
	    []){ "inventory-ingestion-reconciled-against-signed-manifest",
	    "drift-opens-approval-bound-remediation-request",
	    "automation-records-governance-evidence-only",
	    "private-connectors-required-for-endpoint-mutation", NULL }));
	json_object_object_add(au, "evidence_refs", refs);
	json_object_object_add(au, "reconciliation_report",
	    json_object_get(report));
	json_object_object_add(au, "remediation_request",
	    json_object_get(req));

	ctx->by = o.requested_by;
	rec = cv_wf_keep(ctx, &k_auto, au, ap != NULL, jint(jobj(report,
	    "summary"), "drifted_endpoint_count") + jint(jobj(report,
	    "summary"), "missing_target_count"), ap != NULL &&
	    strcmp(cv_json_str_or(ap, "state", ""), "pending") == 0,
	    auto_index);
	cv_json_add_str(rec, "request_id", reqid);

	*answer = result_new(NULL);
	cv_json_add_str(*answer, "automation_id", id);
	json_object_object_add(*answer, "reconciliation_id",
	    cv_json_ref(report, "reconciliation_id"));
	cv_json_add_str(*answer, "request_id", reqid);
	json_object_object_add(*answer, "automation", au);
	json_object_object_add(*answer, "reconciliation",
	    json_object_get(report));
	json_object_object_add(*answer, "remediation_request",
	    json_object_get(req));
	json_object_object_add(*answer, "approval", json_object_get(ap));
	json_object_object_add(*answer, "files", json_object_new_array());
	json_object_object_add(*answer, "metadata", json_object_get(rec));
	json_object_object_add(*answer, "reconciliation_metadata",
	    json_object_get(rrec));
	json_object_object_add(*answer, "remediation_metadata",
	    json_object_get(qrec));
out:
	json_object_put(req);
	json_object_put(ap);
	json_object_put(report);
	json_object_put(ing);
	return rc;
}

/* The request ids that have an execution record; new object used as a
 * set. */
static enum cv_err
executed_requests(struct cv_wf_ctx *ctx, struct json_object **set)
{
	struct json_object	*all, *r;
	size_t			 i;
	enum cv_err		 rc;

	*set = NULL;
	if ((rc = cv_wf_load(ctx, k_exec.kind, &all)) != CV_OK)
		return rc;
	*set = json_object_new_object();
	for (i = 0; i < json_object_array_length(all); i++) {
		r = json_object_array_get_idx(all, i);
		if (strcmp(cv_json_str_or(r, "approval_state", ""),
		    "approved") == 0 && jstr(r, "request_id") != NULL)
			json_object_object_add(*set, jstr(r, "request_id"),
			    json_object_new_boolean(1));
	}
	json_object_put(all);
	return CV_OK;
}

/*
 * GET /endpoint-reconciliation-automations/dashboard: automations,
 * drift detected, requests opened, and pending approvals (requests
 * without an approved execution yet: critical).
 */
static enum cv_err
build_auto_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*all, *done, *r, *latest;
	int64_t			 drift = 0, reqs = 0, pending = 0;
	const char		*q;
	size_t			 i, n;
	enum cv_err		 rc;

	if ((rc = executed_requests(ctx, &done)) != CV_OK)
		return rc;
	if ((rc = cv_wf_load(ctx, k_auto.kind, &all)) != CV_OK) {
		json_object_put(done);
		return rc;
	}
	latest = json_object_new_array();
	n = json_object_array_length(all);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(all, i);
		if (i < CV_WF_LATEST_MAX)
			json_object_array_add(latest, json_object_get(r));
		drift += strcmp(cv_json_str_or(r, "drift_status", ""),
		    "drift_detected") == 0;
		if ((q = jstr(r, "request_id")) == NULL || *q == '\0')
			continue;
		reqs++;
		pending += jget(done, q) == NULL;
	}
	*answer = cv_wf_doc(ctx, ctx->st->schema);
	cv_json_add_str(*answer, "alert_level", pending > 0 ? "critical" :
	    drift > 0 ? "warning" : "healthy");
	cv_json_add_int(*answer, "total_automations", (int64_t)n);
	cv_json_add_int(*answer, "drift_detected_count", drift);
	cv_json_add_int(*answer, "request_count", reqs);
	cv_json_add_int(*answer, "pending_approval_count", pending);
	json_object_object_add(*answer, "latest", latest);
	json_object_put(all);
	json_object_put(done);
	return CV_OK;
}

/* ---- remediation execution (§11.5) ---------------------------------- */

/*
 * POST /endpoint-remediations/{request_id}/execute: records the
 * execution of a stored remediation request once its approval (body
 * approval_id, else the request's) is approved and bound to it;
 * refused with 400 listing each failed check otherwise.
 */
static enum cv_err
build_execute(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*qrec = NULL, *req, *ap = NULL, *errors, *dec,
				*meta, *acts, *results, *act, *r, *ex, *sum,
				*refs, *rec;
	const char		*qid, *apid, *rid, *by, *env, *notes, *s, *id;
	size_t			 i;
	enum cv_err		 rc;

	qid = cv_param(ctx->req, "request_id");
	if ((rc = cv_wf_str(ctx, "approval_id", &apid)) != CV_OK ||
	    (rc = body_str(ctx, "executed_by", "console", &by)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "execution_environment", &env)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "notes", &notes)) != CV_OK)
		return rc;
	if ((rc = cv_wf_get(ctx, qid, k_request.kind, &qrec)) == CV_ENOENT)
		return cv_fail(ctx->req, CV_ENOENT, "endpoint remediation "
		    "request not found");
	if (rc != CV_OK)
		return rc;
	errors = json_object_new_array();
	if ((req = jobj(qrec, "request")) == NULL) {
		rc = cv_fail(ctx->req, CV_EINVAL, "endpoint remediation "
		    "request metadata has no request");
		goto out;
	}
	if (apid == NULL || *apid == '\0')
		apid = jstr(jobj(req, "approval"), "approval_id");
	if (apid == NULL || *apid == '\0') {
		rc = cv_fail_field(ctx->req, CV_EINVAL, "approval_id",
		    "approval record must include approval_id");
		goto out;
	}
	if ((rc = cv_approval_get(ctx->req, apid, &ap)) != CV_OK)
		goto out;
	rid = cv_json_str_or(req, "reconciliation_id", "");
	if (strcmp(cv_json_str_or(req, "schema_version", ""),
	    k_request.schema) != 0)
		push_str(errors, "remediation request has an invalid "
		    "schema_version");
	if ((s = jstr(jobj(req, "approval"), "approval_id")) != NULL &&
	    strcmp(s, apid) != 0)
		push_str(errors, "approval record does not match remediation "
		    "request approval_id");
	if (strcmp(cv_json_str_or(ap, "state", ""), "approved") != 0)
		push_str(errors, "endpoint drift remediation requires an "
		    "approved approval record");
	if (strcmp(cv_json_str_or(ap, "decision_id", ""), cv_arena_printf(a,
	    "%s:decision", qid)) != 0)
		push_str(errors, "approval decision_id does not match "
		    "remediation request");
	if (strcmp(cv_json_str_or(ap, "session_id", ""), rid) != 0)
		push_str(errors, "approval session_id does not match "
		    "reconciliation_id");
	dec = jobj(ap, "decision");
	if (strcmp(cv_json_str_or(dec, "action_type", ""),
	    "endpoint_drift_remediation") != 0)
		push_str(errors, "approval decision action_type does not "
		    "authorize endpoint drift remediation");
	meta = jobj(dec, "metadata");
	if ((s = jstr(meta, "request_id")) != NULL && strcmp(s, qid) != 0)
		push_str(errors, "approval request_id does not match "
		    "remediation request");
	if ((s = jstr(meta, "reconciliation_id")) != NULL && strcmp(s, rid) !=
	    0)
		push_str(errors, "approval reconciliation_id does not match "
		    "remediation request");
	if (json_object_array_length(errors) > 0) {
		rc = cv_fail_strings(ctx->req, CV_EINVAL,
		    "endpoint drift remediation execution refused",
		    "approval_id", errors);
		goto out;
	}

	results = json_object_new_array();
	acts = jarr(req, "actions");
	for (i = 0; acts != NULL && i < json_object_array_length(acts); i++) {
		act = json_object_array_get_idx(acts, i);
		r = json_object_new_object();
		cv_json_copy_keys(r, act, "action_id", "action_type",
		    "deployment_target", "endpoint_id", "provider", NULL);
		cv_json_add_str(r, "status",
		    "queued_for_private_connector_or_manual_execution");
		cv_json_add_str(r, "evidence_ref", cv_arena_printf(a,
		    "endpoint-remediation-action://%s", cv_json_str_or(act,
		    "action_id", "")));
		json_object_array_add(results, r);
	}
	id = cv_wf_id_text_n(a, k_exec.prefix, '_', ID_HEX, cv_arena_printf(a,
	    "%s:%s", qid, apid), NULL);
	ex = cv_wf_doc(ctx, k_exec.schema);
	json_object_object_del(ex, "generated_at");
	cv_json_add_str(ex, "execution_id", id);
	cv_json_add_str(ex, "request_id", qid);
	cv_json_add_str(ex, "approval_id", apid);
	cv_json_add_str(ex, "reconciliation_id", rid);
	cv_json_add_str(ex, "created_at", ctx->now);
	cv_json_add_str(ex, "executed_by", by);
	cv_json_add_str(ex, "execution_environment", env);
	cv_json_add_str(ex, "execution_status", "recorded");
	cv_json_copy_keys(ex, req, "strategy", "release", "channel", NULL);
	json_object_object_add(ex, "action_results", results);
	sum = json_object_new_object();
	cv_json_add_str(sum, "approval_id", apid);
	cv_json_copy_keys(sum, ap, "state", "approver_group", "decided_by",
	    "decided_at", "decision_reason", NULL);
	json_object_object_add(ex, "approval", sum);
	json_object_object_add(ex, "controls", str_list((const char *const
	    []){ "approval-state-approved", "approval-bound-to-reconciliation",
	    "remediation-request-digest-recorded",
	    "public-execution-record-does-not-mutate-endpoints", NULL }));
	cv_json_add_str(ex, "request_sha256", canon_sha(a, req));
	refs = json_object_new_array();
	push_str(refs, cv_arena_printf(a, "endpoint-reconciliation://%s",
	    rid));
	push_str(refs, cv_arena_printf(a, "endpoint-remediation-request://%s",
	    qid));
	push_str(refs, cv_arena_printf(a, "approval://%s", apid));
	json_object_object_add(ex, "evidence_refs", refs);
	if (notes != NULL && *notes != '\0')
		cv_json_add_str(ex, "notes", notes);

	ctx->by = by;
	rec = cv_wf_keep(ctx, &k_exec, ex, 0, 0, 0, exec_index);
	cv_json_add_int(rec, "action_count", (int64_t)
	    json_object_array_length(results));
	json_object_object_add(rec, "approval_state", cv_json_ref(ap, "state"));
	*answer = result_new(NULL);
	if (json_object_array_length(results) == 0)
		push_str(jarr(*answer, "warnings"), "remediation request "
		    "contains no actions");
	cv_json_add_str(*answer, "reconciliation_id", rid);
	json_object_object_add(*answer, "execution", ex);
	json_object_object_add(*answer, "files", json_object_new_array());
	json_object_object_add(*answer, "metadata", json_object_get(rec));
out:
	json_object_put(errors);
	json_object_put(ap);
	json_object_put(qrec);
	return rc;
}

/*
 * GET /endpoint-remediations/dashboard: requests, executions, requests
 * pending (no approved execution yet: critical), approved executions,
 * planned actions; warning when there are requests but no approved
 * execution.
 */
static enum cv_err
build_remed_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*reqs, *execs, *done, *latest, *r;
	int64_t			 pending = 0, approved = 0, planned = 0;
	size_t			 i;
	enum cv_err		 rc;

	if ((rc = executed_requests(ctx, &done)) != CV_OK)
		return rc;
	if ((rc = cv_wf_load(ctx, k_request.kind, &reqs)) != CV_OK) {
		json_object_put(done);
		return rc;
	}
	if ((rc = cv_wf_load(ctx, k_exec.kind, &execs)) != CV_OK) {
		json_object_put(reqs);
		json_object_put(done);
		return rc;
	}
	latest = json_object_new_array();
	for (i = 0; i < json_object_array_length(reqs); i++) {
		r = json_object_array_get_idx(reqs, i);
		planned += jint(r, "action_count");
		pending += jget(done, cv_json_str_or(r, "request_id", "")) ==
		    NULL;
		if (i < CV_WF_LATEST_MAX)
			json_object_array_add(latest, json_object_get(r));
	}
	for (i = 0; i < json_object_array_length(execs); i++)
		approved += strcmp(cv_json_str_or(json_object_array_get_idx(
		    execs, i), "approval_state", ""), "approved") == 0;
	*answer = cv_wf_doc(ctx, ctx->st->schema);
	cv_json_add_str(*answer, "alert_level", pending > 0 ? "critical" :
	    json_object_array_length(reqs) > 0 && approved == 0 ? "warning" :
	    "healthy");
	cv_json_add_int(*answer, "request_count", (int64_t)
	    json_object_array_length(reqs));
	cv_json_add_int(*answer, "execution_count", (int64_t)
	    json_object_array_length(execs));
	cv_json_add_int(*answer, "pending_approval_count", pending);
	cv_json_add_int(*answer, "approved_execution_count", approved);
	cv_json_add_int(*answer, "planned_action_count", planned);
	json_object_object_add(*answer, "latest", latest);
	json_object_put(execs);
	json_object_put(reqs);
	json_object_put(done);
	return CV_OK;
}

/* ---- hand-off and status (§11.6) ------------------------------------ */

static const char *const handoff_providers[] = { "jira", "servicenow",
	"slack", "teams", "private_queue", NULL };

/* Adds provider p (normalised) to sel when allowed; "all" adds all. */
static void
handoff_pick(struct cv_arena *a, const char *p, struct json_object *sel)
{
	const char *const	*k;

	p = cv_wf_norm(a, p);
	for (k = handoff_providers; *k != NULL; k++)
		if (strcmp(p, "all") == 0 || strcmp(p, *k) == 0)
			add_unique(sel, *k);
}

/* The payload of a hand-off for one provider; new. */
static struct json_object *
handoff_payload(struct cv_arena *a, const char *prov, const char *hid,
    struct json_object *req, const char *apid)
{
	struct json_object	*p, *g, *x, *acts;
	const char		*qid, *title;

	qid = cv_json_str_or(req, "request_id", "");
	acts = jarr(req, "actions");
	title = cv_arena_printf(a, "CAVRA endpoint drift remediation %s "
	    "(%lld actions)", qid, (long long)jint(req, "action_count"));
	p = json_object_new_object();
	cv_json_add_str(p, "schema_version", cv_arena_printf(a,
	    "cavra.endpoint-remediation-handoff.%s.v1", prov));
	cv_json_add_str(p, "provider", prov);
	cv_json_add_str(p, "handoff_id", hid);
	cv_json_add_str(p, "request_id", qid);
	cv_json_copy_keys(p, req, "reconciliation_id", "action_count", NULL);
	json_object_object_add(p, "actions", json_object_get(acts));
	g = json_object_new_object();
	cv_json_add_bool(g, "requires_approved_approval", 1);
	cv_json_add_str(g, "approval_id", apid);
	cv_json_add_bool(g, "private_connector_must_recheck_approval", 1);
	json_object_object_add(p, "execution_guard", g);
	x = json_object_new_object();
	if (strcmp(prov, "jira") == 0) {
		cv_json_add_str(x, "summary", title);
		cv_json_add_str(x, "issue_type", "Task");
		json_object_object_add(x, "labels", str_list((const char
		    *const []){ "cavra", "endpoint-remediation", NULL }));
		json_object_object_add(p, "issue", x);
	} else if (strcmp(prov, "servicenow") == 0) {
		cv_json_add_str(x, "short_description", title);
		cv_json_add_str(x, "type", "normal");
		cv_json_add_str(x, "correlation_id", hid);
		json_object_object_add(p, "change_request", x);
	} else if (strcmp(prov, "slack") == 0) {
		cv_json_add_str(x, "text", title);
		json_object_object_add(p, "message", x);
	} else if (strcmp(prov, "teams") == 0) {
		cv_json_add_str(x, "@type", "MessageCard");
		cv_json_add_str(x, "summary", title);
		cv_json_add_str(x, "title", title);
		json_object_object_add(p, "message_card", x);
	} else {
		cv_json_add_str(x, "dedupe_key", hid);
		cv_json_add_str(x, "status", "ready_for_private_connector");
		json_object_object_add(x, "work_items", json_object_get(acts));
		json_object_object_add(p, "queue_event", x);
	}
	return p;
}

/*
 * POST /endpoint-remediations/{request_id}/handoff: the hand-off package
 * of a stored remediation request for providers (list) or provider
 * ("all"); its approval state read from the approval store (the
 * request's copy when the approval is gone).  No connector call.
 */
static enum cv_err
build_handoff(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*qrec = NULL, *req, *ap = NULL, *list, *sel,
				*m, *pay, *h, *refs, *rec;
	const char		*qid, *one, *by, *mode, *apid, *state, *sha,
				*id;
	size_t			 i;
	int			 required;
	enum cv_err		 rc;

	qid = cv_param(ctx->req, "request_id");
	if ((rc = cv_wf_arr(ctx, "providers", &list)) != CV_OK ||
	    (rc = body_str(ctx, "provider", "all", &one)) != CV_OK ||
	    (rc = body_str(ctx, "requested_by", "console", &by)) != CV_OK ||
	    (rc = body_str(ctx, "delivery_mode", "manual", &mode)) != CV_OK)
		return rc;
	sel = json_object_new_array();
	if (list != NULL && json_object_array_length(list) > 0) {
		for (i = 0; i < json_object_array_length(list); i++)
			if (json_object_is_type(json_object_array_get_idx(
			    list, i), json_type_string))
				handoff_pick(a, json_object_get_string(
				    json_object_array_get_idx(list, i)), sel);
	} else
		handoff_pick(a, one, sel);
	if (json_object_array_length(sel) == 0) {
		json_object_put(sel);
		return cv_fail_field(ctx->req, CV_EINVAL, "provider",
		    "provider must be one of: jira, servicenow, slack, teams, "
		    "private_queue, all");
	}
	if ((rc = cv_wf_get(ctx, qid, k_request.kind, &qrec)) != CV_OK) {
		json_object_put(sel);
		if (rc == CV_ENOENT)
			return cv_fail(ctx->req, CV_ENOENT, "endpoint "
			    "remediation request not found");
		return rc;
	}
	if ((req = jobj(qrec, "request")) == NULL) {
		rc = cv_fail(ctx->req, CV_EINVAL, "endpoint remediation "
		    "request metadata has no request");
		goto out;
	}
	apid = jstr(jobj(req, "approval"), "approval_id");
	state = jstr(jobj(req, "approval"), "state");
	if (apid != NULL && (rc = cv_approval_get(ctx->req, apid, &ap)) ==
	    CV_OK)
		state = jstr(ap, "state");
	else if (apid != NULL && rc != CV_ENOENT)
		goto out;
	rc = CV_OK;
	required = state == NULL || strcmp(state, "approved") != 0;

	sha = canon_sha(a, req);
	m = json_object_new_object();
	cv_json_add_str(m, "request_id", qid);
	json_object_object_add(m, "providers", json_object_get(sel));
	cv_json_add_str(m, "request_sha256", sha);
	id = id_over(a, k_handoff.prefix, m);
	pay = json_object_new_object();
	for (i = 0; i < json_object_array_length(sel); i++) {
		one = json_object_get_string(json_object_array_get_idx(sel,
		    i));
		json_object_object_add(pay, one, handoff_payload(a, one, id,
		    req, apid));
	}
	h = cv_wf_doc(ctx, k_handoff.schema);
	json_object_object_del(h, "generated_at");
	cv_json_add_str(h, "handoff_id", id);
	cv_json_add_str(h, "request_id", qid);
	json_object_object_add(h, "reconciliation_id",
	    cv_json_ref(req, "reconciliation_id"));
	cv_json_add_str(h, "created_at", ctx->now);
	cv_json_add_str(h, "requested_by", by);
	cv_json_add_str(h, "delivery_mode", mode);
	json_object_object_add(h, "providers", json_object_get(sel));
	cv_json_add_int(h, "provider_count", (int64_t)
	    json_object_array_length(sel));
	json_object_object_add(h, "action_count",
	    cv_json_ref(req, "action_count"));
	cv_json_add_str(h, "approval_id", apid);
	cv_json_add_str(h, "approval_state", state);
	cv_json_add_bool(h, "approval_required", required);
	cv_json_copy_keys(h, req, "release", "channel", "strategy",
	    "alert_level", "summary", NULL);
	json_object_object_add(h, "payloads", pay);
	json_object_object_add(h, "controls", str_list((const char *const
	    []){ "handoff-payloads-derived-from-remediation-request",
	    "approval-id-preserved-for-downstream-gates",
	    "public-package-contains-no-connector-credentials",
	    "private-connectors-required-for-endpoint-mutation", NULL }));
	refs = json_object_new_array();
	push_str(refs, cv_arena_printf(a, "endpoint-remediation-request://%s",
	    qid));
	push_str(refs, cv_arena_printf(a, "endpoint-reconciliation://%s",
	    cv_json_str_or(req, "reconciliation_id", "")));
	if (apid != NULL)
		push_str(refs, cv_arena_printf(a, "approval://%s", apid));
	json_object_object_add(h, "evidence_refs", refs);
	cv_json_add_str(h, "request_sha256", sha);
	json_object_object_add(h, "remediation_request", json_object_get(req));

	ctx->by = by;
	rec = cv_wf_keep(ctx, &k_handoff, h, 0, 0, required, handoff_index);
	*answer = result_new(NULL);
	if (jint(req, "action_count") == 0)
		push_str(jarr(*answer, "warnings"), "remediation request "
		    "contains no actions");
	cv_json_add_str(*answer, "handoff_id", id);
	cv_json_add_str(*answer, "request_id", qid);
	json_object_object_add(*answer, "providers", json_object_get(sel));
	json_object_object_add(*answer, "handoff", h);
	json_object_object_add(*answer, "files", json_object_new_array());
	json_object_object_add(*answer, "metadata", json_object_get(rec));
out:
	json_object_put(sel);
	json_object_put(ap);
	json_object_put(qrec);
	return rc;
}

/* GET /endpoint-remediation-handoffs/dashboard. */
static enum cv_err
build_handoff_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*all, *r, *p, *provs, *latest;
	int64_t			 pending = 0, actions = 0;
	size_t			 i, j, n;
	enum cv_err		 rc;

	if ((rc = cv_wf_load(ctx, k_handoff.kind, &all)) != CV_OK)
		return rc;
	provs = json_object_new_object();
	latest = json_object_new_array();
	n = json_object_array_length(all);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(all, i);
		if (i < CV_WF_LATEST_MAX)
			json_object_array_add(latest, json_object_get(r));
		pending += jint(r, "approval_required_count") > 0;
		actions += jint(r, "action_count");
		p = jarr(r, "providers");
		for (j = 0; p != NULL && j < json_object_array_length(p); j++)
			count_add(provs, json_object_get_string(
			    json_object_array_get_idx(p, j)), 1);
	}
	*answer = cv_wf_doc(ctx, ctx->st->schema);
	cv_json_add_str(*answer, "alert_level", pending > 0 ? "warning" :
	    "healthy");
	cv_json_add_int(*answer, "total_handoffs", (int64_t)n);
	cv_json_add_int(*answer, "pending_approval_count", pending);
	cv_json_add_int(*answer, "action_count", actions);
	cv_json_add_int(*answer, "provider_count", (int64_t)
	    json_object_object_length(provs));
	json_object_object_add(*answer, "providers", provs);
	json_object_object_add(*answer, "latest", latest);
	json_object_put(all);
	return CV_OK;
}

static const char *const status_words[] = { "queued", "delivered",
	"acknowledged", "in_progress", "blocked", "completed", "failed",
	"cancelled", NULL };
static const char *const status_final[] = { "completed", "cancelled",
	NULL };
static const struct cv_wf_vocab status_vocab = {
	"status", status_words, "queued", status_final
};

static const char *const secret_words[] = { "authorization", "token",
	"secret", "password", "api_key", "apikey", "webhook", NULL };

/* Whether a callback key names a secret (case-insensitive). */
static int
secret_key(struct cv_arena *a, const char *key)
{
	const char *const	*w;
	char			*k, *p;

	k = cv_arena_strdup(a, key);
	for (p = k; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	for (w = secret_words; *w != NULL; w++)
		if (strstr(k, *w) != NULL)
			return 1;
	return 0;
}

/* A copy of callback value v whose members named like secrets read
 * "[redacted]", at any depth (list items inherit the list's key); new. */
static struct json_object *
redact(struct cv_arena *a, struct json_object *v)
{
	struct json_object	*o;
	size_t			 i;

	if (json_object_is_type(v, json_type_object)) {
		o = json_object_new_object();
		json_object_object_foreach(v, key, val)
			json_object_object_add(o, key, secret_key(a, key) ?
			    json_object_new_string("[redacted]") :
			    redact(a, val));
		return o;
	}
	if (json_object_is_type(v, json_type_array)) {
		o = json_object_new_array();
		for (i = 0; i < json_object_array_length(v); i++)
			json_object_array_add(o, redact(a,
			    json_object_array_get_idx(v, i)));
		return o;
	}
	return json_object_get(v);
}

/*
 * POST /endpoint-remediation-handoffs/{handoff_id}/status: a provider's
 * status of a stored hand-off (provider one of the hand-off's, status of
 * status_vocab), its callback_payload kept redacted; stored.
 */
static enum cv_err
build_status(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*hrec = NULL, *h, *cb, *st, *refs, *m, *rec;
	const char		*hid, *prov, *status, *ref, *url, *by, *notes,
				*id, *apid, *const *k;
	char			 err[512];
	enum cv_err		 rc;

	hid = cv_param(ctx->req, "handoff_id");
	if ((rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "status", &status)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "external_ref", &ref)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "external_url", &url)) != CV_OK ||
	    (rc = body_str(ctx, "recorded_by", "console", &by)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "notes", &notes)) != CV_OK)
		return rc;
	if (prov == NULL || *prov == '\0' || status == NULL || *status ==
	    '\0')
		return cv_fail(ctx->req, CV_EINVAL, "provider and status are "
		    "required");
	cb = jget(ctx->req->json, "callback_payload");
	if (cb != NULL && !json_object_is_type(cb, json_type_object))
		return cv_fail_field(ctx->req, CV_EINVAL, "callback_payload",
		    "callback_payload must be an object");
	prov = cv_wf_norm(a, prov);
	for (k = handoff_providers; *k != NULL; k++)
		if (strcmp(*k, prov) == 0)
			break;
	if (*k == NULL)
		return cv_fail_field(ctx->req, CV_EINVAL, "provider",
		    "provider must be one of: jira, servicenow, slack, teams, "
		    "private_queue");
	if (cv_wf_state(a, &status_vocab, status, &status, err, sizeof(err)) !=
	    CV_OK)
		return cv_fail_field(ctx->req, CV_EINVAL, "status", "%s", err);
	if ((rc = cv_wf_get(ctx, hid, k_handoff.kind, &hrec)) == CV_ENOENT)
		return cv_fail(ctx->req, CV_ENOENT, "endpoint remediation "
		    "handoff not found");
	if (rc != CV_OK)
		return rc;
	if ((h = jobj(hrec, "handoff")) == NULL) {
		rc = cv_fail(ctx->req, CV_EINVAL, "endpoint remediation "
		    "handoff metadata has no handoff");
		goto out;
	}
	if (!cv_json_has_str(jarr(h, "providers"), prov)) {
		rc = cv_fail_field(ctx->req, CV_EINVAL, "provider", "provider "
		    "is not present in the handoff package");
		goto out;
	}
	m = json_object_new_object();
	cv_json_add_str(m, "handoff_id", hid);
	cv_json_add_str(m, "provider", prov);
	cv_json_add_str(m, "status", status);
	cv_json_add_str(m, "external_ref", ref);
	cv_json_add_str(m, "recorded_at", ctx->now);
	id = id_over(a, k_status.prefix, m);
	apid = jstr(h, "approval_id");
	refs = json_object_new_array();
	push_str(refs, cv_arena_printf(a, "endpoint-remediation-handoff://%s",
	    hid));
	push_str(refs, cv_arena_printf(a, "endpoint-remediation-request://%s",
	    cv_json_str_or(h, "request_id", "")));
	push_str(refs, cv_arena_printf(a, "endpoint-reconciliation://%s",
	    cv_json_str_or(h, "reconciliation_id", "")));
	if (apid != NULL && *apid != '\0')
		push_str(refs, cv_arena_printf(a, "approval://%s", apid));
	if (ref != NULL && *ref != '\0')
		push_str(refs, cv_arena_printf(a, "external://%s/%s", prov,
		    ref));
	st = cv_wf_doc(ctx, k_status.schema);
	json_object_object_del(st, "generated_at");
	cv_json_add_str(st, "status_id", id);
	cv_json_add_str(st, "handoff_id", hid);
	cv_json_copy_keys(st, h, "request_id", "reconciliation_id", NULL);
	cv_json_add_str(st, "provider", prov);
	cv_json_add_str(st, "status", status);
	cv_json_add_str(st, "recorded_at", ctx->now);
	cv_json_add_str(st, "recorded_by", by);
	cv_json_add_str(st, "external_ref", ref);
	cv_json_add_str(st, "external_url", url);
	cv_json_add_str(st, "notes", notes);
	cv_json_copy_keys(st, h, "approval_id", "approval_state",
	    "action_count", "delivery_mode", "release", "channel", NULL);
	json_object_object_add(st, "callback_payload", cb != NULL ? redact(a,
	    cb) : json_object_new_object());
	json_object_object_add(st, "controls", str_list((const char *const
	    []){ "status-derived-from-provider-callback-or-operator-update",
	    "external-reference-preserved-for-audit-correlation",
	    "public-status-record-contains-no-connector-credentials",
	    "endpoint-mutation-remains-private-connector-responsibility",
	    NULL }));
	json_object_object_add(st, "evidence_refs", refs);
	cv_json_add_str(st, "handoff_sha256", canon_sha(a, h));

	ctx->by = by;
	rec = cv_wf_keep(ctx, &k_status, st, 0, strcmp(status, "blocked") ==
	    0 || strcmp(status, "failed") == 0, strcmp(cv_json_str_or(h,
	    "approval_state", ""), "pending") == 0, status_index);
	cv_json_add_str(rec, "handoff_status", status);
	*answer = result_new(NULL);
	cv_json_add_str(*answer, "status_id", id);
	cv_json_add_str(*answer, "handoff_id", hid);
	cv_json_add_str(*answer, "provider", prov);
	json_object_object_add(*answer, "status", st);
	json_object_object_add(*answer, "files", json_object_new_array());
	json_object_object_add(*answer, "metadata", json_object_get(rec));
out:
	json_object_put(hrec);
	return rc;
}

/*
 * GET /endpoint-remediation-handoff-statuses/dashboard: the newest
 * status per (hand-off, provider): completed, in progress (queued,
 * delivered, acknowledged, in_progress: warning), blocked and failed
 * (critical); events per provider and per status.
 */
static enum cv_err
build_status_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*all, *r, *provs, *states, *newest, *latest;
	const char		*p, *s, *key;
	int64_t			 done = 0, moving = 0, blocked = 0,
				 failed = 0;
	size_t			 i, n;
	enum cv_err		 rc;

	if ((rc = cv_wf_load(ctx, k_status.kind, &all)) != CV_OK)
		return rc;
	provs = json_object_new_object();
	states = json_object_new_object();
	newest = json_object_new_object();
	latest = json_object_new_array();
	n = json_object_array_length(all);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(all, i);
		if (i < CV_WF_LATEST_MAX)
			json_object_array_add(latest, json_object_get(r));
		p = cv_json_str_or(r, "provider", "unknown");
		s = cv_json_str_or(r, "handoff_status", "unknown");
		count_add(provs, p, 1);
		count_add(states, s, 1);
		key = cv_arena_printf(ctx->req->arena, "%s::%s",
		    cv_json_str_or(r, "handoff_id", ""), p);
		if (jget(newest, key) == NULL)	/* newest first */
			json_object_object_add(newest, key,
			    json_object_new_string(s));
	}
	json_object_object_foreach(newest, nk, nv) {
		(void)nk;
		s = json_object_get_string(nv);
		if (strcmp(s, "completed") == 0)
			done++;
		else if (strcmp(s, "blocked") == 0)
			blocked++;
		else if (strcmp(s, "failed") == 0)
			failed++;
		else if (strcmp(s, "queued") == 0 || strcmp(s, "delivered") ==
		    0 || strcmp(s, "acknowledged") == 0 || strcmp(s,
		    "in_progress") == 0)
			moving++;
	}
	*answer = cv_wf_doc(ctx, ctx->st->schema);
	cv_json_add_str(*answer, "alert_level", blocked + failed > 0 ?
	    "critical" : moving > 0 ? "warning" : "healthy");
	cv_json_add_int(*answer, "status_event_count", (int64_t)n);
	cv_json_add_int(*answer, "tracked_handoff_provider_count", (int64_t)
	    json_object_object_length(newest));
	cv_json_add_int(*answer, "completed_count", done);
	cv_json_add_int(*answer, "in_progress_count", moving);
	cv_json_add_int(*answer, "blocked_count", blocked);
	cv_json_add_int(*answer, "failed_count", failed);
	cv_json_add_int(*answer, "provider_count", (int64_t)
	    json_object_object_length(provs));
	json_object_object_add(*answer, "providers", provs);
	json_object_object_add(*answer, "statuses", states);
	json_object_object_add(*answer, "latest", latest);
	json_object_put(newest);
	json_object_put(all);
	return CV_OK;
}

/* ---- steps and routes ----------------------------------------------- */

static const struct cv_wf_filter f_ingest[] = {
	{ "provider", CV_WF_EQ, { "provider", NULL } },
	{ "channel", CV_WF_EQ, { "channel", NULL } },
	{ "deployment_target", CV_WF_HAS, { "deployment_targets", NULL } },
	{ NULL }
};
static const struct cv_wf_filter f_fresh[] = {
	{ "alert_level", CV_WF_EQ, { "alert_level", NULL } },
	{ "provider", CV_WF_HAS, { "providers", NULL } },
	{ "channel", CV_WF_HAS, { "channels", NULL } },
	{ "deployment_target", CV_WF_HAS, { "deployment_targets", NULL } },
	{ NULL }
};
static const struct cv_wf_filter f_recon[] = {
	{ "drift_status", CV_WF_EQ, { "drift_status", NULL } },
	{ "alert_level", CV_WF_EQ, { "alert_level", NULL } },
	{ "deployment_target", CV_WF_HAS, { "deployment_targets", NULL } },
	{ NULL }
};
static const struct cv_wf_filter f_auto[] = {
	{ "drift_status", CV_WF_EQ, { "drift_status", NULL } },
	{ "alert_level", CV_WF_EQ, { "alert_level", NULL } },
	{ "approval_state", CV_WF_EQ, { "approval_state", NULL } },
	{ "provider", CV_WF_EQ, { "provider", NULL } },
	{ NULL }
};
static const struct cv_wf_filter f_remed[] = {
	{ "metadata_kind", CV_WF_EQ, { "metadata_kind", NULL } },
	{ "reconciliation_id", CV_WF_EQ, { "reconciliation_id", NULL } },
	{ "approval_state", CV_WF_EQ, { "approval_state", NULL } },
	{ "execution_status", CV_WF_EQ, { "execution_status", NULL } },
	{ NULL }
};
static const struct cv_wf_filter f_handoff[] = {
	{ "provider", CV_WF_HAS, { "providers", NULL } },
	{ "approval_state", CV_WF_EQ, { "approval_state", NULL } },
	{ "request_id", CV_WF_EQ, { "request_id", NULL } },
	{ "reconciliation_id", CV_WF_EQ, { "reconciliation_id", NULL } },
	{ NULL }
};
static const struct cv_wf_filter f_status[] = {
	{ "provider", CV_WF_EQ, { "provider", NULL } },
	{ "handoff_status", CV_WF_NORM, { "handoff_status", NULL } },
	{ "handoff_id", CV_WF_EQ, { "handoff_id", NULL } },
	{ "request_id", CV_WF_EQ, { "request_id", NULL } },
	{ "external_ref", CV_WF_EQ, { "external_ref", NULL } },
	{ NULL }
};

static const char *const remed_kinds[] = {
	"endpoint-drift-remediation-request",
	"endpoint-drift-remediation-execution", NULL
};

#define HIST(k, f, sch)	{ .kind = &(k), .filters = (f),		\
	.schema = (sch), .clamp = 1 }
#define DASH(k, fn, sch) { .kind = &(k), .build = (fn), .schema = (sch) }

static const struct cv_wf_step s_ingest = { .kind = &k_ingest,
	.build = build_ingest };
static const struct cv_wf_step s_ingest_list = HIST(k_ingest, f_ingest,
    "cavra.endpoint_inventory_ingestion.history.v1");
static const struct cv_wf_step s_ingest_dash = DASH(k_ingest,
    build_ingest_dashboard, "cavra.endpoint_inventory_ingestion.dashboard.v1");
static const struct cv_wf_step s_fresh = { .kind = &k_fresh,
	.build = build_freshness };
static const struct cv_wf_step s_fresh_list = HIST(k_fresh, f_fresh,
    "cavra.endpoint_inventory_freshness.history.v1");
static const struct cv_wf_step s_fresh_dash = DASH(k_fresh,
    build_fresh_dashboard, "cavra.endpoint_inventory_freshness.dashboard.v1");
static const struct cv_wf_step s_recon = { .kind = &k_recon,
	.build = build_reconcile };
static const struct cv_wf_step s_recon_list = HIST(k_recon, f_recon,
    "cavra.endpoint_reconciliation.history.v1");
static const struct cv_wf_step s_recon_dash = DASH(k_recon,
    build_recon_dashboard, "cavra.endpoint_reconciliation.dashboard.v1");
static const struct cv_wf_step s_auto = { .kind = &k_auto,
	.build = build_automation, .by_field = "requested_by" };
static const struct cv_wf_step s_auto_list = HIST(k_auto, f_auto,
    "cavra.endpoint_reconciliation_automation.history.v1");
static const struct cv_wf_step s_auto_dash = DASH(k_auto,
    build_auto_dashboard,
    "cavra.endpoint_reconciliation_automation.dashboard.v1");
static const struct cv_wf_step s_remed_request = { .kind = &k_request,
	.build = build_remed_request, .by_field = "requested_by" };
static const struct cv_wf_step s_execute = { .kind = &k_exec,
	.build = build_execute, .by_field = "executed_by" };
static const struct cv_wf_step s_remed_list = { .kinds = remed_kinds,
	.filters = f_remed, .clamp = 1,
	.schema = "cavra.endpoint_drift_remediation.history.v1" };
static const struct cv_wf_step s_remed_dash = DASH(k_request,
    build_remed_dashboard, "cavra.endpoint_drift_remediation.dashboard.v1");
static const struct cv_wf_step s_handoff = { .kind = &k_handoff,
	.build = build_handoff, .by_field = "requested_by" };
static const struct cv_wf_step s_handoff_list = HIST(k_handoff, f_handoff,
    "cavra.endpoint_remediation_handoff.history.v1");
static const struct cv_wf_step s_handoff_dash = DASH(k_handoff,
    build_handoff_dashboard, "cavra.endpoint_remediation_handoff.dashboard.v1");
static const struct cv_wf_step s_status = { .kind = &k_status,
	.build = build_status, .by_field = "recorded_by" };
static const struct cv_wf_step s_status_list = HIST(k_status, f_status,
    "cavra.endpoint_remediation_handoff_status.history.v1");
static const struct cv_wf_step s_status_dash = DASH(k_status,
    build_status_dashboard,
    "cavra.endpoint_remediation_handoff_status.dashboard.v1");

static const struct cv_qparam p_ingest[] = {
	{ "provider", CV_P_STRING, 0, NULL, "ingestions of this provider" },
	{ "channel", CV_P_STRING, 0, NULL, "ingestions of this channel" },
	{ "deployment_target", CV_P_STRING, 0, NULL,
	    "ingestions observing this deployment target" },
	CV_QPARAMS_PAGE, { NULL }
};
static const struct cv_qparam p_fresh[] = {
	{ "alert_level", CV_P_STRING, 0, NULL, "reports of this level" },
	{ "provider", CV_P_STRING, 0, NULL,
	    "reports with a latest ingestion of this provider" },
	{ "channel", CV_P_STRING, 0, NULL,
	    "reports with a latest ingestion of this channel" },
	{ "deployment_target", CV_P_STRING, 0, NULL,
	    "reports with a latest ingestion of this target" },
	CV_QPARAMS_PAGE, { NULL }
};
static const struct cv_qparam p_recon[] = {
	{ "drift_status", CV_P_STRING, 0, NULL, "aligned or drift_detected" },
	{ "alert_level", CV_P_STRING, 0, NULL, "reconciliations of this "
	    "level" },
	{ "deployment_target", CV_P_STRING, 0, NULL,
	    "reconciliations of this desired target" },
	CV_QPARAMS_PAGE, { NULL }
};
static const struct cv_qparam p_auto[] = {
	{ "drift_status", CV_P_STRING, 0, NULL, "aligned or drift_detected" },
	{ "alert_level", CV_P_STRING, 0, NULL, "automations of this level" },
	{ "approval_state", CV_P_STRING, 0, NULL, "approval state when the "
	    "remediation request was opened" },
	{ "provider", CV_P_STRING, 0, NULL, "the ingestion's provider" },
	CV_QPARAMS_PAGE, { NULL }
};
static const struct cv_qparam p_remed[] = {
	{ "metadata_kind", CV_P_STRING, 0, NULL, "requests or executions "
	    "only" },
	{ "reconciliation_id", CV_P_STRING, 0, NULL, "of this "
	    "reconciliation" },
	{ "approval_state", CV_P_STRING, 0, NULL, "approval state recorded" },
	{ "execution_status", CV_P_STRING, 0, NULL, "executions of this "
	    "status" },
	CV_QPARAMS_PAGE, { NULL }
};
static const struct cv_qparam p_handoff[] = {
	{ "provider", CV_P_STRING, 0, NULL, "hand-offs to this provider" },
	{ "approval_state", CV_P_STRING, 0, NULL, "approval state at "
	    "hand-off" },
	{ "request_id", CV_P_STRING, 0, NULL, "of this remediation request" },
	{ "reconciliation_id", CV_P_STRING, 0, NULL, "of this "
	    "reconciliation" },
	CV_QPARAMS_PAGE, { NULL }
};
static const struct cv_qparam p_status[] = {
	{ "provider", CV_P_STRING, 0, NULL, "statuses of this provider" },
	{ "handoff_status", CV_P_STRING, 0, NULL, "statuses of this value" },
	{ "handoff_id", CV_P_STRING, 0, NULL, "of this hand-off" },
	{ "request_id", CV_P_STRING, 0, NULL, "of this remediation request" },
	{ "external_ref", CV_P_STRING, 0, NULL, "of this external reference" },
	CV_QPARAMS_PAGE, { NULL }
};

#define BODY	(CV_BODY_JSON | CV_BODY_OPT)

const struct cv_route ep_inventory_routes[] = {
	{ CV_POST, "/endpoint-inventory/ingest", cv_wf_h_build, CV_BODY_JSON,
	    "Normalise a Jamf, Intune, Linux fleet or EDR inventory export "
	    "into endpoint observations", &s_ingest,
	    .right = CV_RIGHT_OPERATE },
	{ CV_GET, "/endpoint-inventory-ingestions", cv_wf_h_history, 0,
	    "Endpoint inventory ingestions, newest first", &s_ingest_list,
	    p_ingest },
	{ CV_GET, "/endpoint-inventory-ingestions/dashboard", cv_wf_h_build,
	    0, "Counts of endpoint inventory ingestions per provider",
	    &s_ingest_dash },
	{ CV_POST, "/endpoint-inventory-ingestions/{inventory_id}/reconcile",
	    cv_wf_h_build, CV_BODY_JSON, "Reconcile a stored ingestion against "
	    "the desired manifest; drift opens an approval-bound remediation "
	    "request", &s_auto, .right = CV_RIGHT_OPERATE },
	{ CV_POST, "/endpoint-inventory/freshness-report", cv_wf_h_build, BODY,
	    "Age of the newest inventory per provider, channel and target "
	    "(stored)", &s_fresh, .right = CV_RIGHT_OPERATE },
	{ CV_GET, "/endpoint-inventory-freshness", cv_wf_h_history, 0,
	    "Endpoint inventory freshness reports, newest first",
	    &s_fresh_list, p_fresh },
	{ CV_GET, "/endpoint-inventory-freshness/dashboard", cv_wf_h_build, 0,
	    "Counts of endpoint inventory freshness alerts", &s_fresh_dash },
	{ CV_POST, "/endpoint-deployment/reconcile", cv_wf_h_build,
	    CV_BODY_JSON, "Reconcile the desired endpoint deployment manifest "
	    "with observed inventory (stored)", &s_recon,
	    .right = CV_RIGHT_OPERATE },
	{ CV_GET, "/endpoint-reconciliations", cv_wf_h_history, 0,
	    "Endpoint reconciliations, newest first", &s_recon_list,
	    p_recon },
	{ CV_GET, "/endpoint-reconciliations/dashboard", cv_wf_h_build, 0,
	    "Counts of compliant, drifted, missing and stale endpoints",
	    &s_recon_dash },
	{ CV_POST, "/endpoint-reconciliations/{reconciliation_id}/"
	    "remediation-request", cv_wf_h_build, BODY, "Open a drift "
	    "remediation request and its approval", &s_remed_request,
	    .right = CV_RIGHT_OPERATE },
	{ CV_GET, "/endpoint-reconciliation-automations", cv_wf_h_history, 0,
	    "Endpoint reconciliation automations, newest first", &s_auto_list,
	    p_auto },
	{ CV_GET, "/endpoint-reconciliation-automations/dashboard",
	    cv_wf_h_build, 0, "Counts of reconciliation automations and "
	    "their pending approvals", &s_auto_dash },
	{ CV_POST, "/endpoint-remediations/{request_id}/execute",
	    cv_wf_h_build, BODY, "Record the execution of an approved drift "
	    "remediation request", &s_execute, .right = CV_RIGHT_OPERATE },
	{ CV_POST, "/endpoint-remediations/{request_id}/handoff",
	    cv_wf_h_build, BODY, "Package a remediation request for Jira, "
	    "ServiceNow, Slack, Teams or a private queue", &s_handoff,
	    .right = CV_RIGHT_OPERATE },
	{ CV_GET, "/endpoint-remediations", cv_wf_h_history, 0,
	    "Drift remediation requests and executions, newest first",
	    &s_remed_list, p_remed },
	{ CV_GET, "/endpoint-remediations/dashboard", cv_wf_h_build, 0,
	    "Counts of remediation requests, approvals and executions",
	    &s_remed_dash },
	{ CV_GET, "/endpoint-remediation-handoffs", cv_wf_h_history, 0,
	    "Remediation hand-offs, newest first", &s_handoff_list,
	    p_handoff },
	{ CV_GET, "/endpoint-remediation-handoffs/dashboard", cv_wf_h_build, 0,
	    "Counts of remediation hand-offs per provider", &s_handoff_dash },
	{ CV_POST, "/endpoint-remediation-handoffs/{handoff_id}/status",
	    cv_wf_h_build, CV_BODY_JSON, "Record a provider's status of a "
	    "hand-off (callback secrets redacted)", &s_status,
	    .right = CV_RIGHT_OPERATE },
	{ CV_GET, "/endpoint-remediation-handoff-statuses", cv_wf_h_history,
	    0, "Hand-off statuses, newest first", &s_status_list, p_status },
	{ CV_GET, "/endpoint-remediation-handoff-statuses/dashboard",
	    cv_wf_h_build, 0, "Newest hand-off status per provider: "
	    "completed, in progress, blocked, failed", &s_status_dash },
};

const size_t ep_inventory_nroutes = nitems(ep_inventory_routes);
