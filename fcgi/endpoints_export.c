/*
 * cavra-endpoints: endpoint-management exports and their publication
 * (workflows.md 9 rows 14-22, 11.2, 12).  Exports are written by the CLI
 * (metadata kind endpoint-management-export, files under the artifact
 * root); here they are listed, counted, served (fcgi/artifact.c: every
 * provider file is checked against the export's checksums.txt before it
 * is served) and published to the Jamf, Intune and Linux connectors of
 * CAVRA_CONNECTOR_CONFIG, each publication kept as an
 * endpoint-management-publication-delivery record.
 *
 * Every route but the artifact downloads is a workflow step
 * (lib/cv_wfstep.h) of the release family: no actor check, ids
 * "<prefix>_" and 12 hex digits.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cavra.h"
#include "cv_connector.h"
#include "cv_crypto.h"
#include "cv_wfstep.h"

#include "artifact.h"
#include "endpoints.h"

#define PUB_KIND	"endpoint-management-publication-delivery"
#define PUB_SIGNER	"endpoint-management-publication"
#define MANIFEST_JSON	"endpoint-management-export-manifest.json"
#define LATEST_MAX	10	/* records a dashboard shows */

static const struct cv_wf_kind k_export = { ART_KIND_EXPORT, "export_id",
	"eme", "manifest", "cavra.endpoint-management-export.v1" };
static const struct cv_wf_kind k_pub = { PUB_KIND, "publication_id", "emp",
	"event", "cavra.endpoint-management-publication.v1" };

/* The artifact routes of an export: 404 unless the record is one. */
static const struct art_view export_view = {
	.param = "export_id",
	.base = "/endpoint-management-exports",
	.kind = ART_KIND_EXPORT,
	.missing = "endpoint management export not found",
	.what = "endpoint management export artifact",
};

/* A publication provider: its files, and the one sent as its body. */
struct pub_provider {
	const char	*name;
	const char	*files[2];
	const char	*payload;
};

static const struct pub_provider providers[] = {
	{ "intune", { "intune-win32-app.json" }, "intune-win32-app.json" },
	{ "jamf", { "jamf-policy.json" }, "jamf-policy.json" },
	{ "linux", { "linux-fleet-manifest.json",
	    "linux-install-cavra-runtime.sh" }, "linux-fleet-manifest.json" },
};

static const struct pub_provider *
provider_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(providers); i++)
		if (strcmp(providers[i].name, name) == 0)
			return &providers[i];
	return NULL;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(json_object_get_string(*(struct json_object *const *)a),
	    json_object_get_string(*(struct json_object *const *)b));
}

/* o[key] += by (an integer member, created at 0). */
static void
bump(struct json_object *o, const char *key, int64_t by)
{
	struct json_object	*v;

	if (json_object_object_get_ex(o, key, &v))
		by += json_object_get_int64(v);
	cv_json_add_int(o, key, by);
}

/*
 * LOOKUP (GET): the record of the path parameter of kind st->kind, 404
 * "<parent_what> not found".  Candidate for lib/wfstep.c (the release
 * responder's lookups answer the same way).
 */
static enum cv_err
build_lookup(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	enum cv_err	 rc;

	rc = cv_wf_get(ctx, cv_param(ctx->req, ctx->st->parent_param),
	    ctx->st->kind->kind, answer);
	if (rc == CV_ENOENT)
		return cv_fail(ctx->req, CV_ENOENT, "%s not found",
		    ctx->st->parent_what);
	return rc;
}

/* The first LATEST_MAX items of arr (a new array). */
static struct json_object *
latest(struct json_object *arr)
{
	struct json_object	*o;
	size_t			 i;

	o = json_object_new_array();
	for (i = 0; i < json_object_array_length(arr) && i < LATEST_MAX; i++)
		json_object_array_add(o, json_object_get(
		    json_object_array_get_idx(arr, i)));
	return o;
}

/*
 * GET /endpoint-management-exports/dashboard: exports counted by
 * provider and channel, their files, and those whose approval is still
 * pending (alert_level warning).
 */
static enum cv_err
build_export_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*items, *it, *provs, *chans, *arr, *o;
	const char		*ch;
	int64_t			 pending = 0, files = 0;
	size_t			 i, j;
	enum cv_err		 rc;

	if ((rc = cv_wf_load(ctx, ART_KIND_EXPORT, &items)) != CV_OK)
		return rc;
	provs = json_object_new_object();
	chans = json_object_new_object();
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		if (cv_json_arr(it, "providers", &arr) == CV_JGET_OK)
			for (j = 0; j < json_object_array_length(arr); j++)
				bump(provs, cv_json_key(ctx->req->arena,
				    json_object_array_get_idx(arr, j)), 1);
		ch = cv_json_str_or(it, "channel", "");
		bump(chans, *ch != '\0' ? ch : "unknown", 1);
		if (cv_json_arr(it, "files", &arr) == CV_JGET_OK)
			files += (int64_t)json_object_array_length(arr);
		if (cv_json_truthy(json_object_object_get(it,
		    "approval_required_count")) && !art_str_is(it,
		    "approval_state", "approved"))
			pending++;
	}
	o = cv_wf_doc(ctx, "cavra.endpoint_management.export_dashboard.v1");
	cv_json_add_int(o, "total_exports",
	    (int64_t)json_object_array_length(items));
	cv_json_add_int(o, "pending_approval_exports", pending);
	cv_json_add_int(o, "total_files", files);
	json_object_object_add(o, "providers", provs);
	json_object_object_add(o, "channels", chans);
	cv_json_add_str(o, "alert_level", pending > 0 ? "warning" :
	    "healthy");
	json_object_object_add(o, "latest", latest(items));
	json_object_put(items);
	*answer = o;
	return CV_OK;
}

/*
 * The providers a publication selects: the manifest's (sorted) for
 * "all", else the one named, which must be jamf, intune or linux and
 * one of the export's.  Appends what fails to errs; *sel is new.
 */
static void
pub_select(struct cv_arena *a, struct json_object *manifest,
    const char *provider, struct json_object *errs, struct json_object **sel)
{
	struct json_object	*mp, *arr, *v;
	size_t			 i;

	mp = json_object_new_array();
	if (cv_json_arr(manifest, "providers", &arr) == CV_JGET_OK)
		for (i = 0; i < json_object_array_length(arr); i++) {
			v = json_object_array_get_idx(arr, i);
			if (json_object_is_type(v, json_type_string))
				art_push(mp, json_object_get_string(v));
		}
	json_object_array_sort(mp, str_cmp);
	if (json_object_array_length(mp) == 0)
		art_push(errs, "endpoint-management export manifest has no "
		    "providers");
	if (strcmp(provider, "all") == 0)
		*sel = json_object_get(mp);
	else {
		*sel = json_object_new_array();
		art_push(*sel, provider);
		if (provider_find(provider) == NULL)
			art_push(errs, cv_arena_printf(a, "unsupported "
			    "endpoint-management publication provider: %s",
			    provider));
		else if (!cv_json_has_str(mp, provider))
			art_push(errs, cv_arena_printf(a, "provider not "
			    "present in endpoint export: %s", provider));
	}
	for (i = 0; strcmp(provider, "all") == 0 &&
	    i < json_object_array_length(mp); i++)
		if (provider_find(json_object_get_string(
		    json_object_array_get_idx(mp, i))) == NULL)
			art_push(errs, cv_arena_printf(a, "unsupported "
			    "endpoint-management publication provider: %s",
			    json_object_get_string(json_object_array_get_idx(
			    mp, i))));
	json_object_put(mp);
}

/*
 * The artifacts of a publication ([{artifact, sha256, bytes}], sorted:
 * the manifest files, checksums.txt and the selected providers' files)
 * and each provider's body.  With an export directory (d, fd open or
 * -1) every file must exist and match checksums.txt: what does not is
 * appended to errs.  *arts and *bodies are new.
 */
static void
pub_artifacts(struct cv_req *req, struct json_object *manifest,
    struct json_object *sel, const struct art_dir *d,
    struct json_object *errs, struct json_object **arts,
    struct json_object **bodies)
{
	const struct pub_provider *p;
	struct json_object	*names, *it, *want, *body, *ctxo;
	const char		*name, *ch;
	char			*data, errbuf[128];
	size_t			 i, j, len;
	enum art_rc		 ar;

	names = json_object_new_array();
	art_push(names, MANIFEST_JSON);
	art_push(names, "endpoint-management-export-manifest.md");
	art_push(names, ART_CHECKSUMS);
	for (i = 0; i < json_object_array_length(sel); i++)
		if ((p = provider_find(json_object_get_string(
		    json_object_array_get_idx(sel, i)))) != NULL)
			for (j = 0; j < nitems(p->files) && p->files[j] != NULL;
			    j++)
				art_push(names, p->files[j]);
	json_object_array_sort(names, str_cmp);
	if (d != NULL && d->sums == NULL)
		art_push(errs, cv_arena_printf(req->arena,
		    "endpoint-management export %s", d->sums_err));
	*arts = json_object_new_array();
	for (i = 0; i < json_object_array_length(names); i++) {
		name = json_object_get_string(json_object_array_get_idx(names,
		    i));
		it = json_object_new_object();
		cv_json_add_str(it, "artifact", name);
		if (d == NULL) {
			json_object_array_add(*arts, it);
			continue;
		}
		ar = art_read(req->arena, d->fd, name, CV_EVIDENCE_ARTIFACT_MAX,
		    &data, &len);
		if (ar != ART_OK) {
			art_push(errs, cv_arena_printf(req->arena, ar ==
			    ART_ESCAPE ? "endpoint export artifact path "
			    "escapes export directory: %s" : "endpoint export "
			    "artifact is missing: %s", name));
			json_object_put(it);
			continue;
		}
		if (strcmp(name, ART_CHECKSUMS) != 0 && d->sums != NULL) {
			if (!json_object_object_get_ex(d->sums, name, &want))
				art_push(errs, cv_arena_printf(req->arena,
				    "endpoint export artifact missing from "
				    "checksums.txt: %s", name));
			else if (strcmp(json_object_get_string(want),
			    cv_sha256_hex(req->arena, data, len)) != 0)
				art_push(errs, cv_arena_printf(req->arena,
				    "endpoint export artifact checksum "
				    "mismatch: %s", name));
		}
		cv_json_add_str(it, "sha256", cv_sha256_hex(req->arena, data,
		    len));
		cv_json_add_int(it, "bytes", (int64_t)len);
		json_object_array_add(*arts, it);
	}
	json_object_put(names);

	*bodies = json_object_new_object();
	ch = cv_json_key(req->arena, json_object_object_get(manifest,
	    "channel"));
	for (i = 0; i < json_object_array_length(sel); i++) {
		name = json_object_get_string(json_object_array_get_idx(sel,
		    i));
		p = provider_find(name);
		body = NULL;
		if (d != NULL && p != NULL && art_read(req->arena, d->fd,
		    p->payload, CV_EVIDENCE_ARTIFACT_MAX, &data, &len) ==
		    ART_OK && (cv_json_parse(data, len, CV_JSON_DEPTH_MAX, &body,
		    errbuf, sizeof(errbuf)) != CV_OK ||
		    !json_object_is_type(body, json_type_object))) {
			json_object_put(body);
			body = NULL;
		}
		if (body != NULL) {
			ctxo = json_object_new_object();
			cv_json_add_str(ctxo, "provider", name);
			json_object_object_add(ctxo, "channel", ch != NULL ?
			    json_object_new_string(ch) : NULL);
			json_object_object_add(body, "publication_context",
			    ctxo);
		} else {
			body = json_object_new_object();
			cv_json_add_str(body, "schema_version", cv_arena_printf(
			    req->arena, "cavra.endpoint-management.%s."
			    "publication.v1", name));
			cv_json_add_str(body, "provider", name);
			json_object_object_add(body, "manifest",
			    json_object_get(manifest));
		}
		json_object_object_add(*bodies, name, body);
	}
}

/*
 * The publication delivery record of a connector result (the fields of
 * a connector delivery record, record-contracts.md 3.4) with the
 * event's publication fields: id "epd-<slug>-<12 hex>" over the same
 * material.  New.
 */
static struct json_object *
pub_record(struct cv_arena *a, struct json_object *result,
    struct json_object *event)
{
	struct json_object	*rec, *appr;
	const char		*id;

	rec = cv_wf_rcd_new(a, result, PUB_SIGNER);
	id = cv_json_str_or(rec, "session_id", "rcd-");
	cv_json_add_str(rec, "session_id", cv_arena_printf(a, "epd-%s",
	    id + strlen("rcd-")));
	cv_json_add_str(rec, "metadata_kind", PUB_KIND);
	json_object_object_del(rec, "connector_delivery_source");
	if (!cv_json_truthy(json_object_object_get(rec, "event_type")))
		cv_json_add_str(rec, "event_type",
		    "cavra.endpoint_management_export_publication");
	cv_json_copy_keys(rec, event, "publication_id", "export_id", "channel",
	    "release", NULL);
	appr = cv_json_objv(event, "approval");
	json_object_object_add(rec, "approval_id",
	    cv_json_ref(appr, "approval_id"));
	json_object_object_add(rec, "artifacts",
	    cv_json_ref(event, "artifacts"));
	json_object_object_add(rec, "event", json_object_get(event));
	return rec;
}

/*
 * POST /endpoint-management-exports/{export_id}/publish: {provider
 * (all: the export's providers), requested_by (console), retries,
 * timeout_seconds}.  400 without a connector config (before the 404 of
 * the export), without a manifest, for a provider that is not jamf,
 * intune or linux or not the export's, and when a file of the export
 * directory is missing or does not match checksums.txt (nothing is
 * sent then).  The event goes to the selected providers only (the
 * reference sends it to every configured connector when provider is
 * "all"), each of which must be configured.  Stores the
 * endpoint-management-publication-delivery record; answers {valid,
 * errors, warnings, publication_id, export_id, providers, event,
 * delivery, metadata}.
 */
static enum cv_err
build_publish(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*rec = NULL, *errs = NULL, *sel = NULL;
	struct json_object	*arts = NULL, *bodies = NULL, *manifest, *ev;
	struct json_object	*res = NULL, *release, *mappr, *appr, *pub, *o;
	const char		*id, *prov, *pid, *ver, *ch, *bundle;
	char			 err[1024];
	struct art_dir		 d;
	double			 timeout;
	int			 retries, dir = 0;
	enum cv_err		 rc;

	memset(&d, 0, sizeof(d));
	d.fd = -1;
	id = cv_param(ctx->req, "export_id");
	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = build_lookup(ctx, &rec)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = cv_connector_opts(ctx->req, ctx->req->json, &retries,
	    &timeout)) != CV_OK)
		goto out;
	if (prov == NULL || *prov == '\0')
		prov = "all";
	if ((manifest = cv_json_objv(rec, "manifest")) == NULL) {
		rc = cv_fail(ctx->req, CV_EINVAL, "endpoint management export "
		    "metadata is missing manifest payload");
		goto out;
	}
	bundle = cv_json_str_or(rec, "bundle_dir", "");
	if (*bundle != '\0') {
		if ((rc = art_dir_open(ctx->req, &export_view, id, NULL, &d)) !=
		    CV_OK)
			goto out;
		dir = 1;
	}
	errs = json_object_new_array();
	if (!art_str_is(manifest, "schema_version", k_export.schema))
		art_push(errs, "endpoint-management export manifest has an "
		    "invalid schema_version");
	pub_select(a, manifest, prov, errs, &sel);
	if (json_object_array_length(errs) == 0)
		pub_artifacts(ctx->req, manifest, sel, dir ? &d : NULL, errs,
		    &arts, &bodies);
	if (json_object_array_length(errs) > 0) {
		rc = cv_fail_strings(ctx->req, CV_EINVAL, NULL, NULL, errs);
		goto out;
	}

	release = cv_json_objv(manifest, "release");
	ver = release != NULL && json_object_object_get_ex(release, "version",
	    NULL) ? cv_json_key(a, json_object_object_get(release,
	    "version")) : NULL;
	ch = cv_json_key(a, json_object_object_get(manifest, "channel"));
	pid = cv_wf_id_text_n(a, k_pub.prefix, '_', 12, cv_arena_printf(a,
	    "%s:%s:%s:%s", id, ch != NULL && *ch != '\0' ? ch : "unknown",
	    ver != NULL ? ver : "None", cv_wf_joined(a, sel)), NULL);
	ev = json_object_new_object();
	cv_json_add_str(ev, "schema_version", k_pub.schema);
	cv_json_add_str(ev, "product", CV_PRODUCT);
	cv_json_add_str(ev, "event_type",
	    "cavra.endpoint_management_export_publication");
	cv_json_add_str(ev, "event_id", pid);
	cv_json_add_str(ev, "publication_id", pid);
	cv_json_add_str(ev, "export_id", id);
	cv_json_add_str(ev, "session_id", id);
	cv_json_add_str(ev, "created_at", ctx->now);
	cv_json_add_str(ev, "requested_by", ctx->by);
	json_object_object_add(ev, "channel", cv_json_ref(manifest, "channel"));
	cv_json_add_str(ev, "provider", prov);
	json_object_object_add(ev, "providers", json_object_get(sel));
	json_object_object_add(ev, "release", release != NULL ?
	    json_object_get(release) : json_object_new_object());
	mappr = cv_json_objv(manifest, "approval");
	appr = json_object_new_object();
	cv_json_copy_keys(appr, mappr, "required", "approval_id", "request_id",
	    NULL);
	json_object_object_add(ev, "approval", appr);
	cv_json_add_strv(ev, "controls", (const char *const []){
	    "endpoint-export-metadata-indexed",
	    "endpoint-export-artifacts-checksummed",
	    "endpoint-publication-provider-selected",
	    "endpoint-publication-delivery-recorded", NULL });
	json_object_object_add(ev, "artifacts", json_object_get(arts));
	json_object_object_add(ev, "provider_payloads",
	    json_object_get(bodies));
	json_object_object_add(ev, "manifest", json_object_get(manifest));

	err[0] = '\0';
	if (cv_connector_deliver(a, ev, cv_wf_joined(a, sel), retries,
	    timeout, &res, err, sizeof(err)) != CV_OK) {
		json_object_put(ev);
		rc = cv_fail(ctx->req, CV_EINVAL, "%s", err);
		goto out;
	}
	pub = pub_record(a, res, ev);
	cv_wf_put(ctx, pub);
	o = json_object_new_object();
	cv_json_add_bool(o, "valid", 1);
	json_object_object_add(o, "errors", json_object_new_array());
	json_object_object_add(o, "warnings", json_object_new_array());
	cv_json_add_str(o, "publication_id", pid);
	cv_json_add_str(o, "export_id", id);
	json_object_object_add(o, "providers", json_object_get(sel));
	json_object_object_add(o, "event", ev);
	json_object_object_add(o, "delivery", json_object_get(res));
	json_object_object_add(o, "metadata", json_object_get(pub));
	*answer = o;
out:
	json_object_put(res);
	json_object_put(arts);
	json_object_put(bodies);
	json_object_put(sel);
	json_object_put(errs);
	json_object_put(rec);
	art_dir_close(&d);
	return rc;
}

/* Provider rows by name. */
static int
row_cmp(const void *a, const void *b)
{
	return strcmp(cv_json_str_or(*(struct json_object *const *)a,
	    "provider", ""), cv_json_str_or(*(struct json_object *const *)b,
	    "provider", ""));
}

/* The provider row of a publication dashboard, created when absent. */
static struct json_object *
prov_row(struct json_object *rows, const char *name)
{
	struct json_object	*r;

	if (json_object_object_get_ex(rows, name, &r))
		return r;
	r = json_object_new_object();
	cv_json_add_str(r, "provider", name);
	cv_json_add_int(r, "total", 0);
	cv_json_add_int(r, "success", 0);
	cv_json_add_int(r, "failed", 0);
	cv_json_add_int(r, "attempt_count", 0);
	json_object_object_add(r, "last_delivery_at", NULL);
	json_object_object_add(rows, name, r);
	return r;
}

/*
 * GET /endpoint-management-publications/dashboard: publications, newest
 * first: totals, success rate (4 places), per provider counts and last
 * delivery, and a warning for each failed publication.
 */
static enum cv_err
build_pub_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*items, *it, *rows, *row, *arr, *alerts, *al;
	struct json_object	*list, *o;
	const char		*p, *at, *last;
	int64_t			 ok = 0, n;
	size_t			 i, j;
	int			 good;
	enum cv_err		 rc;

	if ((rc = cv_wf_load(ctx, PUB_KIND, &items)) != CV_OK)
		return rc;
	rows = json_object_new_object();
	alerts = json_object_new_array();
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		good = json_object_get_boolean(json_object_object_get(it,
		    "delivery_success"));
		if (good)
			ok++;
		at = cv_json_str_or(it, "created_at", "");
		if (cv_json_arr(it, "providers", &arr) != CV_JGET_OK)
			arr = NULL;
		for (j = 0; arr != NULL && j < json_object_array_length(arr);
		    j++) {
			p = cv_json_key(a, json_object_array_get_idx(arr, j));
			if (p == NULL)
				continue;
			row = prov_row(rows, p);
			bump(row, "total", 1);
			bump(row, "attempt_count", json_object_get_int64(
			    json_object_object_get(it, "attempt_count")));
			last = cv_json_str_or(row, "last_delivery_at", "");
			if (strcmp(at, last) > 0)
				cv_json_add_str(row, "last_delivery_at", at);
			if (good && !cv_json_has_str(json_object_object_get(it,
			    "failed_providers"), p))
				bump(row, "success", 1);
			else
				bump(row, "failed", 1);
		}
		if (good)
			continue;
		al = json_object_new_object();
		cv_json_add_str(al, "severity", "warning");
		cv_json_copy_keys(al, it, "event_id", "export_id",
		    "failed_providers", NULL);
		cv_json_add_str(al, "message", cv_arena_printf(a,
		    "Endpoint-management publication failed for %s.",
		    cv_json_str_or(it, "export_id", "None")));
		json_object_array_add(alerts, al);
	}
	n = (int64_t)json_object_array_length(items);
	list = json_object_new_array();
	json_object_object_foreach(rows, key, val) {
		(void)key;
		json_object_array_add(list, json_object_get(val));
	}
	json_object_put(rows);
	json_object_array_sort(list, row_cmp);
	o = cv_wf_doc(ctx, "cavra.endpoint_management.publication_dashboard."
	    "v1");
	cv_json_add_str(o, "alert_level", json_object_array_length(alerts) >
	    0 ? "warning" : "healthy");
	cv_json_add_int(o, "total_publications", n);
	cv_json_add_int(o, "successful_publications", ok);
	cv_json_add_int(o, "failed_publications", n - ok);
	json_object_object_add(o, "success_rate", json_object_new_double(n >
	    0 ? (double)((ok * 10000 * 2 + n) / (2 * n)) / 10000.0 : 0.0));
	json_object_object_add(o, "providers", list);
	json_object_object_add(o, "alerts", alerts);
	json_object_object_add(o, "latest", latest(items));
	json_object_put(items);
	*answer = o;
	return CV_OK;
}

/* ---- steps ---------------------------------------------------------- */

static const struct cv_wf_filter f_export[] = {
	{ "channel", CV_WF_EQ, { "channel" } },
	{ "provider", CV_WF_HAS, { "providers" } },
	{ "approval_id", CV_WF_EQ, { "approval_id" } },
	{ "request_id", CV_WF_EQ, { "request_id" } },
	{ NULL }
};
static const struct cv_wf_filter f_pub[] = {
	{ "provider", CV_WF_HAS, { "providers" } },
	{ "export_id", CV_WF_EQ, { "export_id" } },
	{ "channel", CV_WF_EQ, { "channel" } },
	{ "success", CV_WF_BOOL, { "delivery_success" } },
	{ NULL }
};

static const struct cv_wf_step s_export_list = { .kind = &k_export,
	.filters = f_export, .clamp = 1 };
static const struct cv_wf_step s_export_dash = {
	.build = build_export_dashboard };
static const struct cv_wf_step s_export_get = { .kind = &k_export,
	.build = build_lookup, .parent_param = "export_id",
	.parent_what = "endpoint management export" };
static const struct cv_wf_step s_publish = { .kind = &k_export,
	.by_field = "requested_by", .build = build_publish,
	.parent_param = "export_id",
	.parent_what = "endpoint management export" };
static const struct cv_wf_step s_pub_list = { .kind = &k_pub,
	.schema = "cavra.endpoint_management.publication_history.v1",
	.filters = f_pub, .clamp = 1 };
static const struct cv_wf_step s_pub_dash = {
	.build = build_pub_dashboard };

static const struct cv_qparam p_export[] = {
	{ "channel", CV_P_STRING, 0, NULL, "exports of this channel" },
	{ "provider", CV_P_STRING, 0, NULL,
	    "exports whose providers hold this" },
	{ "approval_id", CV_P_STRING, 0, NULL, "exports of this approval" },
	{ "request_id", CV_P_STRING, 0, NULL,
	    "exports of this channel promotion request" },
	CV_QPARAMS_PAGE,
	{ NULL }
};
static const struct cv_qparam p_pub[] = {
	{ "provider", CV_P_STRING, 0, NULL,
	    "publications delivered to this provider" },
	{ "export_id", CV_P_STRING, 0, NULL, "publications of this export" },
	{ "channel", CV_P_STRING, 0, NULL, "publications of this channel" },
	{ "success", CV_P_BOOL, 0, NULL,
	    "publications that succeeded (true) or failed (false)" },
	CV_QPARAMS_PAGE,
	{ NULL }
};

#define SCHEMA_EXPORT_DASH						\
	"{\"type\":\"object\",\"required\":[\"schema_version\","	\
	"\"total_exports\",\"pending_approval_exports\",\"total_files\","	\
	"\"providers\",\"channels\",\"alert_level\",\"latest\"]}"
#define SCHEMA_PUB_DASH							\
	"{\"type\":\"object\",\"required\":[\"schema_version\","	\
	"\"alert_level\",\"total_publications\","			\
	"\"successful_publications\",\"failed_publications\","		\
	"\"success_rate\",\"providers\",\"alerts\",\"latest\"]}"
#define SCHEMA_PUBLISH							\
	"{\"type\":\"object\",\"required\":[\"valid\",\"publication_id\","	\
	"\"export_id\",\"providers\",\"event\",\"delivery\",\"metadata\"],"	\
	"\"properties\":{\"metadata\":" ART_SCHEMA_META "}}"

#define EXPORTS	"/endpoint-management-exports"

const struct cv_route ep_export_routes[] = {
	{ CV_GET, EXPORTS, cv_wf_h_history, 0,
	    "Endpoint-management exports, newest first", &s_export_list,
	    p_export, ART_SCHEMA_META_LIST },
	{ CV_GET, EXPORTS "/dashboard", cv_wf_h_build, 0,
	    "Counts of endpoint-management exports", &s_export_dash, NULL,
	    SCHEMA_EXPORT_DASH },
	{ CV_GET, EXPORTS "/{export_id}", cv_wf_h_build, 0,
	    "One endpoint-management export", &s_export_get, NULL,
	    ART_SCHEMA_META },
	{ CV_GET, EXPORTS "/{export_id}/artifacts", art_h_list, 0,
	    "The artifacts of an endpoint-management export", &export_view,
	    NULL, ART_SCHEMA_LIST },
	{ CV_GET, EXPORTS "/{export_id}/artifacts/{artifact_name}", art_h_get,
	    0, "One artifact of an endpoint-management export, checked "
	    "against its checksums (raw bytes)", &export_view, NULL,
	    ART_SCHEMA_BYTES },
	{ CV_GET, EXPORTS "/{export_id}/artifact-bundle", art_h_bundle, 0,
	    "The checked artifacts of an endpoint-management export as one "
	    "ZIP", &export_view, NULL, ART_SCHEMA_BYTES },
	{ CV_POST, EXPORTS "/{export_id}/publish", cv_wf_h_build,
	    CV_BODY_JSON | CV_BODY_OPT, "Publish a checked endpoint-management "
	    "export to the Jamf, Intune or Linux connectors", &s_publish,
	    NULL, SCHEMA_PUBLISH, CV_RIGHT_OPERATE },
	{ CV_GET, "/endpoint-management-publications", cv_wf_h_history, 0,
	    "Endpoint-management publications, newest first", &s_pub_list,
	    p_pub, ART_SCHEMA_META_LIST },
	{ CV_GET, "/endpoint-management-publications/dashboard",
	    cv_wf_h_build, 0, "Counts of endpoint-management publications",
	    &s_pub_dash, NULL, SCHEMA_PUB_DASH },
};

const size_t ep_export_nroutes = nitems(ep_export_routes);
