/*
 * cavra-runtime routes of this file (fcgi/runtime.h).  No routes yet.
 */
#include "config.h"

#include "cavra.h"

#include "runtime.h"

const struct cv_route rt_c0_routes[] = { { 0 } };
const size_t rt_c0_nroutes = 0;
