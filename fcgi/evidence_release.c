/*
 * cavra-evidence routes of this file (fcgi/evidence.h).  No routes yet.
 */
#include "config.h"

#include "cavra.h"

#include "evidence.h"

const struct cv_route ev_release_routes[] = { { 0 } };
const size_t ev_release_nroutes = 0;
