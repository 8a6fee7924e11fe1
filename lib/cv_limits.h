/*
 * Every limit the suite enforces, by name, in one place.  A limit that a
 * client can reach is reported as an error (400, 413, 414), never applied
 * by silent truncation, except the paging clamp that the CAVRA contract
 * itself defines (limit 1..500, offset >= 0).
 */
#ifndef CV_LIMITS_H
#define CV_LIMITS_H

#define CV_BODY_MAX		(1024 * 1024)	/* request body bytes: 413 past it */
#define CV_JSON_DEPTH_MAX	32		/* nesting of a JSON body: 400 past it */
#define CV_JSON_PTR_TOKEN_MAX	1024		/* bytes of one JSON pointer token */
#define CV_PATH_MAX		4096		/* raw request path bytes: 414 past it */
#define CV_PATH_SEGS_MAX	64		/* path segments: 414 past it */
#define CV_QUERY_MAX		8192		/* raw query string bytes: 414 past it */
#define CV_QUERY_PARAMS_MAX	64		/* query parameters: 400 past it */
#define CV_HEADER_VALUE_MAX	16384		/* a request header we read: 400 past it */
#define CV_RESP_HEADERS_MAX	16		/* extra response headers per response */
#define CV_ROUTE_SEGS_MAX	16		/* segments in one route pattern */
#define CV_ROUTE_PARAMS_MAX	8		/* parameters in one route pattern */

#define CV_PAGE_LIMIT_DEFAULT	50		/* list endpoints: default page */
#define CV_PAGE_LIMIT_MIN	1
#define CV_PAGE_LIMIT_MAX	500		/* list endpoints: largest page */
#define CV_RISK_EVENTS_WINDOW	10000		/* /risk/events: offset + limit at
						   most (newest events): 400 past it */

#define CV_ARENA_CHUNK		(16 * 1024)	/* per-request arena chunk size */
#define CV_WORKERS_DEFAULT	2		/* worker processes per responder */
#define CV_WORKERS_MAX		64
#define CV_RESTART_DELAY_MIN_MS	100		/* a dead worker's first restart
						   waits this long ... */
#define CV_RESTART_DELAY_MAX_MS	30000		/* ... doubling at each death in
						   a row, up to this */
#define CV_RESTART_RESET_MS	10000		/* a worker that lived this long
						   died alone: back to the first
						   delay */
#define CV_THREADS_MAX		64		/* request threads per worker */
#define CV_ACTIVITY_THREADS	16		/* cavra-activity request threads */
#define CV_COMMIT_BATCH_MAX	64		/* decisions per group commit */
#define CV_JOURNAL_QUEUE_MAX	2048		/* records acknowledged and not
						   yet stored (a process's memory
						   holds them); writers wait past it */
#define CV_JOURNAL_DELAY_MS	20		/* journal: store what it holds this
						   long after the first record */
#define CV_JOURNAL_DELAY_MAX_MS	60000		/* CAVRA_JOURNAL_DELAY_MS at most */
#define CV_JOURNAL_FILE_MAX	(1024L * 1024 * 1024) /* a journal file */
#define CV_JOURNAL_KEEP_MAPPED	(1024 * 1024) /* journal bytes that stay mapped
						   once stored */
#define CV_JOURNAL_MAP_MIN	(4 * 1024 * 1024) /* a journal file's size at least */
#define CV_WAL_GATHER_MAX	(512 * 1024)	/* WAL bytes gathered before they are
						   written (in 124 KiB writes) */
#define CV_WAL_AUTOCHECKPOINT	16000		/* WAL pages between checkpoints */
#define CV_WAL_CKPT_STALL	(4 * CV_WAL_AUTOCHECKPOINT)	/* WAL pages at which a
						   committer checkpoints itself */
#define CV_RAND_POOL		256		/* random bytes a thread keeps for ids */
#define CV_THREAD_WAKE_MS	20		/* stop: re-signal blocked threads */
#define CV_LOG_BUF_MAX		4096		/* request lines gathered (<= PIPE_BUF) */
#define CV_LOG_FLUSH_MS		100		/* gathered request lines wait at most */
#define CV_MALLOC_KEEP		(256 * 1024)	/* free malloc memory a request
						   thread keeps between trims */
#define CV_MALLOC_TRIM_MS	1000		/* a threaded worker gives free
						   malloc memory back this often */
#define CV_BACKLOG		128		/* listen(2) backlog of a responder */
#define CV_FCGI_READ_TIMEOUT_MS	5000		/* a FastCGI connection silent this
						   long is dropped */
#define CV_FCGI_OUT_RECORDS	64		/* an answer up to this many 64 KiB
						   FastCGI records is written with
						   one writev(2) */
#define CV_FCGI_DRAIN_MAX	(256 * 1024)	/* unread request bytes read
						   before a close, at most */
#define CV_FCGI_BUF		16384		/* a request thread's FastCGI
						   read buffer */
#define CV_FCGI_PARAMS_MAX	(256 * 1024)	/* bytes of a request's FastCGI
						   parameters: the connection is
						   dropped past them */
#define CV_FCGI_PARAMS_N	1024		/* and how many, at most */
#define CV_CORS_ORIGINS_MAX	32		/* entries of CAVRA_CORS_ORIGINS */

#define CV_STORE_FILE_MAX	(1024L * 1024 * 1024) /* JSON store file bytes */
#define CV_STORE_BUSY_MS	5000		/* SQLite busy_timeout */
#define CV_SQLITE_CACHE_MIB	4		/* SQLite page cache of a store's
						   main connection, at most (filled
						   as pages are read), by default:
						   CAVRA_SQLITE_CACHE_MIB */
#define CV_SQLITE_CACHE_MIB_MAX	1024		/* CAVRA_SQLITE_CACHE_MIB at most */
#define CV_SQLITE_READ_CACHE_KIB 1024		/* page cache of a reader
						   connection */
#define CV_COUNT_CACHE_MAX	64		/* totals of lists filtered on
						   several columns a process keeps
						   per database (store_totals.c) */
#define CV_DB_READERS		4		/* reader connections of a store
						   in a threaded worker (SQLite) */
#define CV_STORE_FIELDS_MAX	31		/* filterable fields of a collection */
#define CV_STORE_RECORD_DEPTH	48		/* nesting of a stored record */
#define CV_STORE_PARSE_DEPTH	(CV_STORE_RECORD_DEPTH + 3) /* file, payload */
#define CV_STORE_OPTIMIZE_EVERY	1000		/* SQLite calls between PRAGMA optimize */
#define CV_PG_SCHEMA_VERSION	3		/* PostgreSQL layout this build
						   writes (cavra_schema_version;
						   2: cavra_value_counts; 3: the
						   tables' generations) */
#define CV_PG_SCHEMA_WAIT_MS	300000		/* PostgreSQL: a store's open waits
						   this long for another host
						   making or migrating its schema */
#define CV_PG_CONNECT_TIMEOUT_S	5		/* PostgreSQL connect_timeout unless
						   CAVRA_DATABASE_URL sets one */
#define CV_PG_RETRY_MIN_MS	100		/* PostgreSQL reconnect back-off:
						   first wait after a failed try */
#define CV_PG_RETRY_MAX_MS	5000		/* ... doubling up to this */
#define CV_PG_DESCRIBE_MAX	512		/* bytes of a store's description
						   (postgresql://host/database) */
#define CV_PG_BATCH_PARAMS	65535		/* parameters of one multi-row
						   INSERT of a batch (libpq's
						   most): rows per statement =
						   this / (columns + 2) */
#define CV_CONFIG_FILE_MAX	(4 * 1024 * 1024) /* config / policy file bytes */
#define CV_YAML_DEPTH_MAX	32		/* nesting of a YAML config or pack */

#define CV_JWT_MAX		8192		/* bytes of an OIDC token: 401 past it */
#define CV_JWT_DEPTH_MAX	16		/* nesting of a token's header or
						   claims: 401 past it */
#define CV_JWKS_KEYS_MAX	64		/* keys of an OIDC JWKS: startup
						   error past it */
#define CV_JWK_RSA_BITS_MIN	2048		/* RSA modulus of a JWKS key at
						   least: startup error below */
#define CV_OIDC_LEEWAY_MAX	3600		/* leeway_seconds at most */

#define CV_POLICY_ID_MAX	128		/* bytes of a policy pack id */
#define CV_POLICY_INHERIT_MAX	8		/* metadata.inherits chain depth */
#define CV_POLICY_SOURCES_MAX	32		/* files one compiled pack reads */
#define CV_POLICY_CACHE_MAX	64		/* compiled packs kept per process */

#define CV_SESSION_REFS_MAX	20 		/* evidence refs a session keeps:
						   those of its latest decisions */
#define CV_ID_MAX		512		/* a record id (decision_id, ...) */
#define CV_ID_TIME_HEX		3		/* leading digits of a decision id
						   from the clock (cv_time_id()) */
#define CV_ID_HEX		12		/* hex digits of a generated id
						   after its prefix (dec_, apr_) */
#define CV_ID_RETRIES		3		/* fresh ids tried when a random one
						   is taken */
#define CV_FIELD_MAX		65536		/* a string field we store */

#define CV_AISPM_WINDOW_DEFAULT	200		/* /aispm: decisions and sessions
						   read by default (the newest);
						   limit is clamped to 1..500 */
#define CV_AISPM_FACTS_MAX	50		/* evidence facts and freshness
						   items shown (all counted) */
#define CV_AISPM_REFS_MAX	8		/* evidence refs shown per item */
#define CV_AISPM_TARGET_MAX	120		/* characters of a target shown;
						   longer ones are cut */
#define CV_AISPM_PATTERN_MAX	80		/* characters of a replay-draft
						   pattern made from a target */

#define CV_ROLLOUT_SAMPLE_MAX	100		/* decisions a rollout detail
						   tallies (the newest) */
#define CV_ROLLOUT_RECENT_MAX	10		/* ... and lists in full */
#define CV_ROLLOUT_INTEGRATIONS_MAX 10		/* active or configured
						   integrations it lists */

#define CV_CLIENT_BODY_MAX	(64 * 1024)	/* answer body bytes an outbound
						   request reads: it stops past it */
#define CV_CLIENT_RETRIES_MAX	5		/* extra attempts of a delivery */
#define CV_CLIENT_TIMEOUT_MIN_MS 100		/* an attempt's timeout at least */
#define CV_CLIENT_TIMEOUT_MAX	60		/* ... and at most, seconds */
#define CV_CLIENT_CONNECT_MS	10000		/* connect timeout, at most */
#define CV_CLIENT_BACKOFF_MS	250		/* wait after attempt n: n times
						   this ... */
#define CV_CLIENT_BACKOFF_MAX_MS 1000		/* ... up to this */
#define CV_CLIENT_HEADERS_MAX	32		/* headers of a provider entry */
#define CV_CLI_ANSWER_MAX	(2 * 1024 * 1024) /* answer bytes the cavra
						   command reads: an error past it */
#define CV_CLI_TIMEOUT_S	30		/* a request of the cavra command */
#define CV_CLI_COPY_BUF		(64 * 1024)	/* bytes cavra ops hashes per read */
#define CV_CLI_RESTORE_BATCH	4096		/* records cavra ops restore
						   gives cv_store_insert_batch()
						   at once (PostgreSQL) */
#define CV_CLI_BUSY_WAIT_MS	100		/* cavra ops: wait on a busy SQLite
						   store, then retry */
#define CV_HOOK_INPUT_MAX	(8 * 1024 * 1024) /* bytes of a hook's stdin:
						   a deny past it */
#define CV_HOOK_ACTIONS_MAX	16		/* decisions one hook call asks:
						   a deny past it */
#define CV_HOOK_WORDS_MAX	256		/* words of one shell command a
						   hook reads: a deny past it */
#define CV_HOOK_TIMEOUT_MS	10000		/* all the requests of one hook
						   call together */
#define CV_HOOK_CONF_MAX	(1024 * 1024)	/* bytes of an agent config
						   file cavra hook install merges */

#define CV_APPROVAL_RULES_MAX	1024		/* rules of an approval routing
						   file: startup error past it */
#define CV_APPROVAL_TTL_HOURS_MAX 8760		/* ttl_hours of an approval at
						   most (a year): 400 past it */
#define CV_APPROVAL_THREADS	8		/* cavra-approvals request threads
						   (a delivery waits on its
						   receivers in one of them) */
#define CV_INTEGRATION_THREADS	8		/* cavra-integrations request
						   threads (as approvals) */
#define CV_EVIDENCE_ARTIFACT_MAX (16L * 1024 * 1024) /* an evidence artifact
						   served, bundled or verified:
						   413 past it */
#define CV_EVIDENCE_BUNDLE_MAX	(64L * 1024 * 1024) /* the artifacts of one
						   bundle together: 413 past it */

/* Workflow worker runs (cv_workflow.h). */
#define CV_WF_REDELIVERIES_MAX	25		/* max_retry_deliveries at most
						   (clamped 1..) */
#define CV_WF_REDELIVERIES_DEFAULT 5		/* ... when not given */
#define CV_WF_MINUTES_MAX	525600		/* an interval or threshold in
						   minutes (a year): 400 past it */
#define CV_WF_ALERTS_MAX	100		/* max_alerts of an alert
						   event at most */
#define CV_WF_ALERTS_DEFAULT	20		/* ... when not given */
#define CV_WF_OUTSTANDING_MAX	20		/* outstanding acknowledgements
						   a dashboard lists */
#define CV_WF_LATEST_MAX	10		/* newest records a dashboard
						   lists */
#define CV_WF_FAILED_SHOWN_MAX	10		/* failed deliveries a health
						   reading lists */
#define CV_WF_BULK_ACKS_MAX	100		/* routes of one bulk
						   acknowledgement: 400 past it */
#define CV_WF_TREND_EVENTS_MAX	20		/* suppressed routes a
						   suppression trend lists */
#define CV_WF_OUTSTANDING_MAX	20		/* outstanding acknowledgements
						   a dashboard lists */
#define CV_WF_PROVIDERS_MAX	32		/* configured connector names a
						   notification plan reads */
#define CV_GO_DAYS_MAX		36500.0		/* a day count of the Go
						   pilot's environment: its
						   default past it */

/* Endpoint inventory and remediation (fcgi/endpoints_inventory.c). */
#define CV_EP_HOURS_MAX		8760		/* an age, staleness or TTL in
						   hours (a year): 400 past it */
#define CV_EP_ALERTS_SHOWN_MAX	25		/* alerts a dashboard lists */
#define CV_WF_MARKDOWN_MIN	1000		/* max_markdown_chars of an
						   auditor export event at least
						   (clamped) */
#define CV_WF_MARKDOWN_MAX	50000		/* ... at most (clamped) */
#define CV_WF_MARKDOWN_DEFAULT	12000		/* ... when not given */
#define CV_WF_HOURS_MAX		8760		/* SLA warning/critical hours
						   at most (a year; clamped) */
#define CV_WF_ESCALATIONS_MAX	50		/* max_escalations of an SLA
						   notification (clamped 1..) */
#define CV_WF_ESCALATIONS_DEFAULT 10		/* ... when not given */
#define CV_WF_ROUTES_MAX	100		/* max_routes of an SLA
						   escalation delivery (clamped
						   1..) */
#define CV_WF_ROUTES_DEFAULT	20		/* ... when not given */
#define CV_WF_CARD_ITEMS_MAX	8		/* rows of a Slack or Teams
						   card */
#define CV_WF_ACTIVE_SHOWN_MAX	20		/* active escalations a
						   dashboard lists */
#define CV_WF_EXECUTIONS_SHOWN_MAX 20		/* retry executions a recovery
						   report lists */
#define CV_WF_SUMMARY_CHARS_MIN	1000		/* max_summary_chars of a
						   closeout delivery event at
						   least (clamped) */
#define CV_WF_SUMMARY_CHARS_MAX	50000		/* ... at most (clamped) */
#define CV_WF_SUMMARY_CHARS_DEFAULT 12000	/* ... when not given */
#define CV_WF_EXPIRY_DAYS_MAX	3650		/* expiry_warning_days of the
						   closeout retention health at
						   most: 400 past it */
#define CV_WF_EXPIRY_DAYS_DEFAULT 30		/* ... when not given */
#define CV_WF_RECUR_ROUTES_MAX	200		/* max_routes of an SLA
						   recurrence delivery (clamped
						   1..) */
#define CV_WF_RECUR_ROUTES_DEFAULT 50		/* ... when not given */
#define CV_WF_RECURRENCES_MAX	1000		/* max_recurrences_per_route
						   of a recurrence policy at
						   most: 400 past it */
#define CV_WF_RECURRENCES_DEFAULT 3		/* ... when not given */
#define CV_WF_RECUR_INTERVAL_DEFAULT 60		/* recurrence interval
						   minutes when not given */
#define CV_WF_DIGEST_ROUTES_MAX	25		/* routes an owner digest
						   lists per owner */
#define CV_WF_DIGEST_PLANS_MAX	25		/* max_digest_plans of a
						   recurrence automation run
						   (clamped 1..) */
#define CV_WF_DIGEST_PLANS_DEFAULT 5		/* ... when not given */
#define CV_WF_DIGEST_CARD_MAX	10		/* owners of an owner digest
						   Slack card */
#define CV_WF_DIGEST_FACTS_MAX	20		/* ... of its Teams card */
#define CV_WF_TREND_LATEST_MAX	25		/* latest events of an SLA
						   suppression trend */

#endif /* !CV_LIMITS_H */
