/*
 * cavra-aispm: risk events and compliance mappings, the two bare-array
 * routes the reference always answers with [] (moved here from
 * cavra-console).  Risk events are read from the activity store,
 * compliance mappings from the policy packs (cv_policy_compliance()).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cavra.h"
#include "cv_policy.h"
#include "aispm.h"

/* Decisions that are risk events: every decision but a plain allow. */
static const char *const risk_decisions[] = { "block", "require_approval",
    "warn", "audit_only", "allow_with_attestation", NULL };

/* The fields of a risk event, copied from its decision (null if absent). */
static const char *const risk_fields[] = { "decision_id", "timestamp",
    "decision", "severity", "action_type", "target", "requested_operation",
    "rule_id", "reason", "approver_group", "policy_pack", "session_id",
    "agent_id", "actor", "repository", "correlation_id", "evidence_refs",
    NULL };

/* One decision value's risk events, read from the store a page at a time,
 * in store order (newest first). */
struct run {
	const char		*decision;
	struct json_object	*page;	/* owned; NULL before the first */
	size_t			 pos;	/* next item of page */
	size_t			 next;	/* store offset of the next page */
	int			 end;	/* the store has no more */
};

/*
 * The next event of run r (borrowed from its page, NULL when it has no
 * more), reading its next page of `chunk` decisions from s when the current one
 * is used up.  f[0] is set to the run's decision; f[1..nf-1] are the
 * caller's filters.  Fails with the store's error.
 */
static enum cv_err
run_head(struct cv_store *s, struct run *r, struct cv_filter *f, size_t nf,
    size_t chunk, struct json_object **head)
{
	size_t		 n;
	enum cv_err	 rc;

	*head = NULL;
	if (r->page != NULL && r->pos < json_object_array_length(r->page)) {
		*head = json_object_array_get_idx(r->page, r->pos);
		return CV_OK;
	}
	if (r->end)
		return CV_OK;
	json_object_put(r->page);
	r->page = NULL;
	f[0].value = r->decision;
	if ((rc = cv_store_list(s, CV_COLL_DECISIONS, f, nf, chunk,
	    r->next, &r->page, NULL)) != CV_OK)
		return rc;
	n = json_object_array_length(r->page);
	r->pos = 0;
	r->next += n;
	if (n < chunk)
		r->end = 1;
	if (n > 0)
		*head = json_object_array_get_idx(r->page, 0);
	return CV_OK;
}

/* The risk event of stored decision d.  New object. */
static struct json_object *
risk_event(struct json_object *d)
{
	struct json_object	*ev;
	const char *const	*k;

	ev = json_object_new_object();
	cv_json_add_str(ev, "schema_version", "cavra.risk_event.v1");
	for (k = risk_fields; *k != NULL; k++)
		json_object_object_add(ev, *k,
		    json_object_get(json_object_object_get(d, *k)));
	return ev;
}

/*
 * GET /risk/events: the stored decisions that are not a plain allow
 * (risk_decisions), newest first, as a bare array of risk events.  Query:
 * the filters of GET /decisions (session_id, agent_id, repository,
 * policy_pack, severity, action_type, and decision among risk_decisions),
 * limit (default 50, 1..500) and offset, with offset + limit at most
 * CV_RISK_EVENTS_WINDOW.  Each decision value is listed by the store in
 * its order and the lists are merged, so a page costs about offset +
 * limit records.  400 for a bad page, a decision that is no risk or a
 * page past the window; the store's error when it cannot be read.
 */
enum cv_err
aispm_risk_events(struct cv_req *req, struct cv_resp *resp)
{
	struct cv_filter	 f[CV_STORE_FIELDS_MAX + 1];
	struct run		 runs[nitems(risk_decisions)];
	struct json_object	*out = NULL, *head, *best;
	struct cv_store		*s = NULL;
	struct cv_db		*db;
	const char *const	*field;
	const char		*want, *v;
	size_t			 nf = 1, nruns = 0, limit, offset, chunk;
	size_t			 i, bi = 0, seen = 0;
	enum cv_err		 rc;

	memset(runs, 0, sizeof(runs));
	if ((rc = cv_query_page(req, &limit, &offset)) != CV_OK)
		return rc;
	if (offset > CV_RISK_EVENTS_WINDOW - limit)
		return cv_fail_field(req, CV_EINVAL, "offset", "offset + limit "
		    "must be at most %d: narrow the events with filters",
		    CV_RISK_EVENTS_WINDOW);
	/* A decision outside risk_decisions was refused (declared). */
	want = cv_query(req, "decision");
	if (want != NULL && *want == '\0')
		want = NULL;
	for (i = 0; risk_decisions[i] != NULL; i++)
		if (want == NULL || strcmp(want, risk_decisions[i]) == 0)
			runs[nruns++].decision = risk_decisions[i];
	f[0].field = "decision";
	for (field = cv_store_activity.colls[CV_COLL_DECISIONS].fields;
	    *field != NULL; field++)
		if (strcmp(*field, "decision") != 0 &&
		    (v = cv_query(req, *field)) != NULL) {
			f[nf].field = *field;
			f[nf++].value = v;
		}
	chunk = offset + limit < CV_PAGE_LIMIT_MAX ? offset + limit :
	    CV_PAGE_LIMIT_MAX;

	if ((rc = cv_rs_db(req, &cv_store_activity, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_activity, rc);
	out = json_object_new_array();
	while (json_object_array_length(out) < limit) {
		best = NULL;
		for (i = 0; i < nruns; i++) {
			if ((rc = run_head(s, &runs[i], f, nf, chunk,
			    &head)) != CV_OK)
				goto out;
			if (head != NULL && (best == NULL ||
			    cv_store_order_cmp(req->arena,
			    &cv_store_activity.colls[CV_COLL_DECISIONS], head,
			    best) < 0)) {
				best = head;
				bi = i;
			}
		}
		if (best == NULL)
			break;
		runs[bi].pos++;
		if (seen++ >= offset)
			json_object_array_add(out, risk_event(best));
	}
out:
	cv_db_read_end(db, s);
	for (i = 0; i < nruns; i++)
		json_object_put(runs[i].page);
	if (rc != CV_OK) {
		json_object_put(out);
		return cv_rs_store_fail(req, &cv_store_activity, rc);
	}
	cv_resp_json(resp, 200, out);
	return CV_OK;
}

/*
 * GET /compliance/mappings: the mappings the installed packs declare
 * (cv_policy_compliance()), a bare array.  500 when the policy root
 * cannot be read.
 */
enum cv_err
aispm_compliance(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*out;
	enum cv_err		 rc;

	if ((rc = cv_policy_compliance(&out)) != CV_OK)
		return cv_fail(req, rc, "policy packs could not be read");
	cv_resp_json(resp, 200, out);
	return CV_OK;
}

const struct cv_qparam aispm_risk_params[] = {
	{ "session_id", CV_P_STRING, 0, NULL, "exact session" },
	{ "agent_id", CV_P_STRING, 0, NULL, "exact agent" },
	{ "repository", CV_P_STRING, 0, NULL, "exact repository" },
	{ "policy_pack", CV_P_STRING, 0, NULL, "exact pack" },
	{ "decision", CV_P_STRING, 0, risk_decisions, "one decision value" },
	{ "severity", CV_P_STRING, 0, NULL, "exact severity" },
	{ "action_type", CV_P_STRING, 0, NULL, "exact action type" },
	{ "limit", CV_P_INT, 0, NULL, "page size, 1 to 500 (default 50)" },
	{ "offset", CV_P_INT, 0, NULL, "events skipped (default 0)" },
	{ NULL }
};

/* The 200 answers of the routes, for openapi.json. */
#define SCHEMA_RISK_EVENTS	\
	"{\"type\":\"array\",\"items\":{\"type\":\"object\","	\
	"\"required\":[\"schema_version\",\"decision_id\","	\
	"\"timestamp\",\"decision\",\"severity\",\"action_type\","	\
	"\"target\"],\"properties\":{\"schema_version\":{\"const\":"	\
	"\"cavra.risk_event.v1\"},"	\
	"\"decision_id\":{\"type\":\"string\"},"	\
	"\"timestamp\":{\"type\":\"string\"},"	\
	"\"decision\":{\"type\":\"string\",\"enum\":[\"block\","	\
	"\"require_approval\",\"warn\",\"audit_only\","	\
	"\"allow_with_attestation\"]},"	\
	"\"severity\":{\"type\":\"string\"},"	\
	"\"evidence_refs\":{\"type\":\"array\","	\
	"\"items\":{\"type\":\"string\"}}}}}"

#define SCHEMA_COMPLIANCE	\
	"{\"type\":\"array\",\"items\":{\"type\":\"object\","	\
	"\"required\":[\"policy_pack\",\"title\",\"version\","	\
	"\"maps_to\",\"controls\"],"	\
	"\"properties\":{\"policy_pack\":{\"type\":\"string\"},"	\
	"\"title\":{\"type\":\"string\"},"	\
	"\"version\":{\"type\":\"string\"},"	\
	"\"maps_to\":{\"type\":\"array\","	\
	"\"items\":{\"type\":\"string\"}},"	\
	"\"controls\":{\"type\":\"array\",\"items\":{"	\
	"\"type\":\"object\",\"required\":[\"framework\","	\
	"\"control_id\",\"title\",\"covered\",\"rules\"],"	\
	"\"properties\":{\"framework\":{\"type\":\"string\"},"	\
	"\"control_id\":{\"type\":\"string\"},"	\
	"\"title\":{\"type\":\"string\"},"	\
	"\"covered\":{\"type\":\"boolean\"},"	\
	"\"rules\":{\"type\":\"array\","	\
	"\"items\":{\"type\":\"string\"}}}}}}}}"

const char aispm_schema_risk_events[] = SCHEMA_RISK_EVENTS;
const char aispm_schema_compliance[] = SCHEMA_COMPLIANCE;
