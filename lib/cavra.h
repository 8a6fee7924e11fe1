/*
 * The one header a CAVRA responder includes.
 */
#ifndef CAVRA_H
#define CAVRA_H

#include "cv_limits.h"
#include "cv_err.h"
#include "cv_arena.h"
#include "cv_util.h"
#include "cv_json.h"
#include "cv_http.h"
#include "cv_store.h"
#include "cv_db.h"
#include "cv_resource.h"
#include "cv_conf.h"
#include "cv_metrics.h"

#define CV_PRODUCT	"CAVRA"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#endif /* !CAVRA_H */
