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
#define CV_CORS_ORIGINS_MAX	32		/* entries of CAVRA_CORS_ORIGINS */

#define CV_STORE_FILE_MAX	(1024L * 1024 * 1024) /* JSON store file bytes */
#define CV_STORE_BUSY_MS	5000		/* SQLite busy_timeout */
#define CV_SQLITE_CACHE_MIB	8		/* SQLite page cache of a store's
						   main connection, at most (filled
						   as pages are read), by default:
						   CAVRA_SQLITE_CACHE_MIB */
#define CV_SQLITE_CACHE_MIB_MAX	1024		/* CAVRA_SQLITE_CACHE_MIB at most */
#define CV_SQLITE_READ_CACHE_KIB 1024		/* page cache of a reader
						   connection */
#define CV_COUNT_CACHE_MAX	64		/* totals of lists filtered on
						   several columns a process keeps
						   per SQLite file */
#define CV_DB_READERS		4		/* reader connections of a store
						   in a threaded worker (SQLite) */
#define CV_STORE_FIELDS_MAX	31		/* filterable fields of a collection */
#define CV_STORE_RECORD_DEPTH	48		/* nesting of a stored record */
#define CV_STORE_PARSE_DEPTH	(CV_STORE_RECORD_DEPTH + 3) /* file, payload */
#define CV_STORE_OPTIMIZE_EVERY	1000		/* SQLite calls between PRAGMA optimize */
#define CV_CONFIG_FILE_MAX	(4 * 1024 * 1024) /* config / policy file bytes */
#define CV_YAML_DEPTH_MAX	32		/* nesting of a YAML config or pack */

#define CV_POLICY_ID_MAX	128		/* bytes of a policy pack id */
#define CV_POLICY_INHERIT_MAX	8		/* metadata.inherits chain depth */
#define CV_POLICY_SOURCES_MAX	32		/* files one compiled pack reads */
#define CV_POLICY_CACHE_MAX	64		/* compiled packs kept per process */

#define CV_SESSION_REFS_MAX	20 		/* evidence refs a session keeps:
						   those of its latest decisions */
#define CV_ID_MAX		512		/* a record id (decision_id, ...) */
#define CV_ID_HEX		12		/* hex digits of a generated id
						   after its prefix (dec_, apr_) */
#define CV_ID_RETRIES		3		/* fresh ids tried when a random one
						   is taken */
#define CV_FIELD_MAX		65536		/* a string field we store */

#endif /* !CV_LIMITS_H */
