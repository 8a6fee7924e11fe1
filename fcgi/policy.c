/*
 * cavra-policy: the policy pack catalog.  Packs are read through the
 * policy module (lib/policy_load.c), which caches them per process.
 */
#include "config.h"

#include <stdint.h>

#include "cavra.h"
#include "cv_policy.h"

/*
 * GET /policy-pack-catalog: every pack under the policy root with its
 * rule counts, sorted by directory name.  500 when the root cannot be
 * read.
 */
static enum cv_err
h_catalog(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*o, *items;
	enum cv_err		 rc;

	if ((rc = cv_policy_catalog(0, &items)) != CV_OK)
		return cv_fail(req, rc, "policy pack catalog could not be "
		    "read");
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", "cavra.policy_pack.catalog.v1");
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_int(o, "total", (int64_t)json_object_array_length(items));
	json_object_object_add(o, "items", items);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/* The 200 answer of GET /policy-pack-catalog, for openapi.json. */
#define SCHEMA_CATALOG	\
	"{\"type\":\"object\",\"required\":[\"schema_version\","	\
	"\"product\",\"total\",\"items\"],"	\
	"\"properties\":{\"schema_version\":{\"const\":"	\
	"\"cavra.policy_pack.catalog.v1\"},"	\
	"\"product\":{\"type\":\"string\"},"	\
	"\"total\":{\"type\":\"integer\",\"minimum\":0},"	\
	"\"items\":{\"type\":\"array\","	\
	"\"items\":{\"type\":\"object\",\"required\":[\"id\","	\
	"\"title\",\"description\",\"version\",\"summary\"],"	\
	"\"properties\":{\"id\":{\"type\":\"string\"},"	\
	"\"title\":{\"type\":\"string\"},"	\
	"\"version\":{\"type\":\"string\"},"	\
	"\"summary\":{\"type\":\"object\","	\
	"\"required\":[\"policy_id\",\"title\",\"version\","	\
	"\"inherits\",\"mode\",\"rule_counts\"],"	\
	"\"properties\":{\"inherits\":{\"type\":[\"array\","	\
	"\"null\"],\"items\":{\"type\":\"string\"}},"	\
	"\"mode\":{\"type\":\"string\"},"	\
	"\"rule_counts\":{\"type\":\"object\","	\
	"\"additionalProperties\":{\"type\":\"integer\","	\
	"\"minimum\":0}}}}}}}}}"

static const struct cv_route routes[] = {
	{ CV_GET, "/policy-pack-catalog", h_catalog, 0,
	    "Policy pack catalog with rule counts per section", NULL, NULL,
	    SCHEMA_CATALOG },
};

/* Drops the cached packs so a worker exits without live allocations. */
static void
worker_fini(void)
{
	cv_policy_cache_clear();
}

static const struct cv_app app = {
	.name = "cavra-policy",
	.routes = routes,
	.nroutes = nitems(routes),
	.worker_fini = worker_fini,
};

int
main(int argc, char **argv)
{
	return cv_serve_main(&app, argc, argv);
}
