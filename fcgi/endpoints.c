/*
 * cavra-endpoints: every /endpoint-* route (release and endpoint
 * governance), from the route tables of the endpoints_*.c files
 * (fcgi/endpoints.h).  Records live in the evidence metadata store;
 * approvals in the approval store.
 */
#include "config.h"

#include "cavra.h"
#include "cv_connector.h"

#include "artifact.h"
#include "endpoints.h"

static const struct cv_route_set sets[] = {
	{ ep_export_routes, &ep_export_nroutes },
	{ ep_inventory_routes, &ep_inventory_nroutes },
	{ ep_sla_routes, &ep_sla_nroutes },
	{ ep_recur_routes, &ep_recur_nroutes },
	{ NULL, NULL }
};

static const struct cv_store_def *const stores[] = {
	&cv_store_evidence, &cv_store_approvals, NULL
};

/* Reads the connector configuration and the artifact root (export
 * artifacts, fcgi/artifact.c) once, before workers start. */
static enum cv_err
init(void)
{
	enum cv_err	 rc;

	if ((rc = art_init()) != CV_OK)
		return rc;
	return cv_connector_init();
}

CV_RESPONDER_SETS(sets,
	.name = "cavra-endpoints",
	.init = init,
	.stores = stores);
