/*
 * cavra-endpoints routes of this file (fcgi/endpoints.h).  No routes
 * yet.
 */
#include "config.h"

#include "cavra.h"

#include "endpoints.h"

const struct cv_route ep_recur_routes[] = { { 0 } };
const size_t ep_recur_nroutes = 0;
