#!/bin/bash
#
# run.sh: measure CAVRA endpoints against the FastCGI transport ceiling.
#
#   bench/run.sh [builddir]
#
# Starts, on loopback only, one nginx built from conf/nginx-cavra.conf (the
# production site, with its paths moved into a temporary directory) plus a
# /noop location, every built responder (builddir/fcgi/cavra-*, stores in
# the temporary directory) and bench/cavra-noop, a libfcgi responder that
# answers "{}" and nothing else.  Then, for each endpoint class below, it
# runs wrk against /noop and against the endpoint with the same method and
# body, alternately (ROUNDS times each) behind the same nginx, and reports
# the medians of requests/s, p50 and p99 latency, the ratio
# rps(endpoint)/rps(noop) with its spread over the rounds, and the
# resident memory of the endpoint's responder.  The table is printed and written,
# with the machine and the exact command, to bench/RESULTS.md (newest run
# first; earlier runs are kept below it).  Everything started is stopped on
# exit.
#
# Environment (defaults in brackets):
#   WORKERS   worker processes of the no-op and, when set, of every
#             responder [2 for the no-op; each responder's own default:
#             2, cavra-activity 1 process of 16 threads]
#   CONN      wrk connections [32]
#   THREADS   wrk threads [2]
#   DURATION  seconds per measurement [10]
#   WARMUP    seconds of warm-up of each side of a class, 0 for none [2]
#   ROUNDS    measurements of each side of a class; medians are reported [3]
#   STORE     json, sqlite or postgresql: the backend of every store
#             [json].  postgresql: a throw-away cluster in the temporary
#             directory (tests/pg-cluster, a unix socket only) with
#             PG_CONF added to its settings, every store in its database
#             (CAVRA_DATABASE_URL); each host keeps its decision journal
#             in its own working directory; seeded, the database is
#             vacuumed and analyzed before the runs (and before it is
#             cached), as autovacuum would leave it
#   PG_CONF   postgresql.conf lines of that cluster ["fsync = on",
#             "full_page_writes = on", "synchronous_commit = off" (a
#             commit waits for no fsync, as SQLite's synchronous=NORMAL),
#             "shared_buffers = 256MB", one a line]
#   HOSTS     1 or 2 (postgresql only): 2 starts a second set of every
#             responder, with its own sockets and working directory, and
#             each nginx upstream lists both sets, as a load balancer in
#             front of two hosts sharing the database would [1]
#   SEED      decisions stored before the responders start, by
#             bench/cavra-seed through the store API: one agent, sessions of
#             about 3,700 decisions, judged by the default pack [0]
#   CAVRA_SQLITE_CACHE_MIB  SQLite page cache of each responder's store
#             connection, in MiB (e.g. 2, 8, 32), passed on to the
#             responders and written in the results' command line
#             [unset: the store's default]
#   NGINX_WORKERS  nginx worker processes [1]
#   ONLY      comma-separated class names to run [all]
#   CLASSES   file of classes, replacing the table below
#   SETTLE    seconds between the last class and the memory table [3]
#   SEED_CACHE  directory keeping seeded stores: a run with the same SEED
#             and STORE copies them from there instead of seeding again
#             (written by the first such run; remove it after a change of
#             the store's schema; postgresql: the stopped cluster's
#             directory)
#   RESULTS   where to write the results [srcdir/bench/RESULTS.md; "-" for
#             nowhere]
#   KEEP      1: keep the temporary directory (logs, stores) [0]
#   NGINX, WRK, CURL, PSQL  the programs [nginx, wrk, curl, psql from
#             PATH]
#
# A class is one line: NAME METHOD PATH [BODY-FILE].  A body file (relative
# to the source directory, or absolute) is sent as application/json, to
# the endpoint and to the no-op alike.  "noop" classes measure the no-op
# against itself: their ratio shows the run-to-run noise.  In a path,
# @AGENT@ and @SESSION@ stand for the agent that made nearly all seeded
# decisions and for a seeded session of about 3,700 of them (an old one),
# as cavra-seed names them; without SEED they match nothing.
#
# The classes below: the no-op; GET /health; POST /decisions; the first
# page of GET /decisions unfiltered (decisions_list), filtered on agent
# and session (decisions_agent_session), on the session alone
# (decisions_session) and on decision=block (decisions_block).
#
# Memory: the RSS column of the table is the responder's resident memory
# right after its class; the table below it gives each responder's RSS
# once started (after the seed), SETTLE seconds after the run (default 3),
# the anonymous part of the latter, and the peak (VmHWM).  To see whether cavra-activity stays flat as the store grows,
# run the same command with SEED=100000 and SEED=1000000 (STORE=sqlite)
# and compare the two memory tables.

set -eu

# name            method path                  [body file]
DEFAULT_CLASSES='
noop              GET    /noop
health            GET    /health
decisions_post    POST   /decisions            bench/decision.json
decisions_list    GET    /decisions?limit=50
decisions_agent_session GET /decisions?limit=50&agent_id=@AGENT@&session_id=@SESSION@
decisions_session GET    /decisions?limit=50&session_id=@SESSION@
decisions_block   GET    /decisions?limit=50&decision=block
'

srcdir=$(cd "$(dirname "$0")/.." && pwd)
arg=${1:-}
builddir=$(cd "${arg:-$srcdir}" && pwd)

WORKERS=${WORKERS:-}
NOOP_WORKERS=${WORKERS:-2}
CONN=${CONN:-32}
THREADS=${THREADS:-2}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
ROUNDS=${ROUNDS:-3}
STORE=${STORE:-json}
HOSTS=${HOSTS:-1}
PG_CONF=${PG_CONF:-"fsync = on
full_page_writes = on
synchronous_commit = off
shared_buffers = 256MB"}
NGINX_WORKERS=${NGINX_WORKERS:-1}
ONLY=${ONLY:-}
CLASSES=${CLASSES:-}
RESULTS=${RESULTS:-$srcdir/bench/RESULTS.md}
KEEP=${KEEP:-0}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
WRK=${WRK:-wrk}
CURL=${CURL:-curl}

die()
{
	echo "run.sh: $*" >&2
	exit 1
}

for v in NOOP_WORKERS CONN THREADS DURATION WARMUP ROUNDS NGINX_WORKERS; do
	case ${!v} in
	'' | *[!0-9]*) die "$v must be a number" ;;
	esac
done
case $STORE in
json | sqlite | postgresql) ;;
*) die "STORE must be json, sqlite or postgresql" ;;
esac
case $HOSTS in
1) ;;
2) [ "$STORE" = postgresql ] ||
    die "HOSTS=2 needs STORE=postgresql: hosts share only a database" ;;
*) die "HOSTS must be 1 or 2" ;;
esac
case ${SEED:-0} in
*[!0-9]*) die "SEED must be a number" ;;
esac
case ${CAVRA_SQLITE_CACHE_MIB-unset} in
unset) ;;
'' | *[!0-9]*) die "CAVRA_SQLITE_CACHE_MIB must be a number of MiB" ;;
*) export CAVRA_SQLITE_CACHE_MIB ;;
esac
[ -x "$NGINX" ] || die "nginx not found (set NGINX)"
command -v "$WRK" >/dev/null || die "wrk not found (set WRK)"
command -v "$CURL" >/dev/null || die "curl not found (set CURL)"
[ -f "$srcdir/conf/nginx-cavra.conf" ] || die "no $srcdir/conf/nginx-cavra.conf"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cavra-bench.XXXXXX")
# The cluster's server runs as an unprivileged user under root.
chmod 0755 "$tmp"
cluster=$srcdir/tests/pg-cluster
pg_up=0
load_start=$(cut -d ' ' -f 1-3 /proc/loadavg)
nginx_pid=
pids=()		# responders and the no-op, started with -s
names=()	# their short names, same order

# Stop everything we started, then remove the temporary directory.
cleanup()
{
	local pid i

	trap - EXIT INT TERM
	if [ -n "$nginx_pid" ]; then
		kill -TERM "$nginx_pid" 2>/dev/null || true
		wait "$nginx_pid" 2>/dev/null || true
	fi
	for i in "${!pids[@]}"; do
		kill -TERM "${pids[$i]}" 2>/dev/null || true
	done
	for i in "${!pids[@]}"; do
		pid=${pids[$i]}
		# The responders stop their workers and exit; wait for
		# them, but not forever.
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "run.sh: ${names[$i]} (pid $pid) ignored SIGTERM" >&2
			pkill -KILL -P "$pid" 2>/dev/null || true
			kill -KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	done
	if [ "$pg_up" = 1 ]; then
		"$cluster" stop "$tmp/pg" >/dev/null 2>&1 || true
	fi
	if [ "$KEEP" = 1 ]; then
		echo "run.sh: kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$tmp/run" "$tmp/work" "$tmp/logs" "$tmp/nginx-temp"
[ "$HOSTS" = 1 ] || mkdir -p "$tmp/run2" "$tmp/work2"

# A free loopback port: bind port 0 and see what the kernel picked.
free_port()
{
	if command -v python3 >/dev/null; then
		python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
		return
	fi
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	die "no free port found"
}
port=$(free_port)
base=http://127.0.0.1:$port

# ---------------------------------------------------------------------
# The no-op responder: the built one, else compile it here.

noop=$builddir/bench/cavra-noop
if [ ! -x "$noop" ]; then
	echo "run.sh: $noop not built; compiling bench/noop.c" >&2
	${CC:-cc} -O2 -g -o "$tmp/cavra-noop" "$srcdir/bench/noop.c" -lfcgi ||
	    die "cannot build the no-op responder"
	noop=$tmp/cavra-noop
fi

# ---------------------------------------------------------------------
# The stores, all in the temporary directory.

if [ "$STORE" = sqlite ]; then
	for s in ACTIVITY REGISTRY APPROVAL EVIDENCE_METADATA INVENTORY \
	    INTEGRATION; do
		export "CAVRA_${s}_DB=$tmp/work/${s,,}.db"
	done
fi
# PostgreSQL: the cluster starts here, or from a seeded copy (below).
pg_cached=
if [ "$STORE" = postgresql ]; then
	pg_cached=${SEED_CACHE:+$SEED_CACHE/seed-${SEED:-0}-$STORE}
	if [ -n "$pg_cached" ] && [ -f "$pg_cached/seed.out" ] &&
	    [ "${SEED:-0}" -gt 0 ]; then
		cp -a "$pg_cached/pg" "$tmp/pg"
		url=$("$cluster" restart "$tmp/pg") ||
		    die "the cached cluster of $pg_cached did not start"
	else
		pg_cached=${pg_cached:+new:$pg_cached}
		url=$(CAVRA_TEST_PG_CONF=$PG_CONF "$cluster" start "$tmp/pg") ||
		    die "the PostgreSQL cluster did not start"
	fi
	pg_up=1
	export CAVRA_DATABASE_URL=$url
fi
if [ -z "${CAVRA_POLICY_DIR:-}" ] && [ -d "$srcdir/policies" ]; then
	export CAVRA_POLICY_DIR=$srcdir/policies
fi
# The seed names the agent and the session the filtered classes ask for
# ("agent_id=A session_id=S session_decisions=K" on its stdout).
seed_agent=claude-code
seed_session=seed-session-000002
if [ "${SEED:-0}" -gt 0 ]; then
	[ -x "$builddir/bench/cavra-seed" ] || die "bench/cavra-seed not built"
	seed_start=$(date +%s)
	cached=${SEED_CACHE:+$SEED_CACHE/seed-$SEED-$STORE}
	if [ "$STORE" = postgresql ] && [ -n "$cached" ] &&
	    [ -f "$cached/seed.out" ]; then
		cp "$cached/seed.out" "$tmp/seed.out"
		echo "run.sh: started the cluster of $SEED seeded decisions from $cached" >&2
	elif [ "$STORE" = postgresql ]; then
		(cd "$tmp/work" && "$builddir/bench/cavra-seed" "$SEED") \
		    >"$tmp/seed.out" || die "seeding $SEED decisions failed"
		# As autovacuum leaves a settled database: the planner's
		# statistics, the visibility map.  Otherwise it does that
		# during the measurements, and plans without statistics.
		"${PSQL:-psql}" -X -q "$url" -c "VACUUM ANALYZE" ||
		    die "VACUUM ANALYZE of the seeded database failed"
		echo "run.sh: seeded $SEED decisions in $(($(date +%s) - seed_start)) s" >&2
		if [ -n "$cached" ]; then
			# A copy of the stopped cluster, then on again.
			"$cluster" stop "$tmp/pg" >/dev/null ||
			    die "cannot stop the cluster to cache it"
			mkdir -p "$cached"
			rm -rf "$cached/pg"
			cp -a "$tmp/pg" "$cached/pg"
			cp "$tmp/seed.out" "$cached/seed.out"
			"$cluster" restart "$tmp/pg" >/dev/null ||
			    die "the cluster did not start again"
		fi
	elif [ -n "$cached" ] && [ -f "$cached/seed.out" ]; then
		cp -r "$cached/." "$tmp/work/"
		mv "$tmp/work/seed.out" "$tmp/seed.out"
		echo "run.sh: copied $SEED seeded decisions from $cached" >&2
	else
		(cd "$tmp/work" && "$builddir/bench/cavra-seed" "$SEED") \
		    >"$tmp/seed.out" || die "seeding $SEED decisions failed"
		echo "run.sh: seeded $SEED decisions in $(($(date +%s) - seed_start)) s" >&2
		if [ -n "$cached" ]; then
			mkdir -p "$cached"
			cp -r "$tmp/work/." "$cached/"
			cp "$tmp/seed.out" "$cached/seed.out"
		fi
	fi
	seed_line=
	read -r seed_line <"$tmp/seed.out" || true
	for w in $seed_line; do
		case $w in
		agent_id=?*) seed_agent=${w#agent_id=} ;;
		session_id=?*) seed_session=${w#session_id=} ;;
		esac
	done
fi

# ---------------------------------------------------------------------
# Start the responders, each in its own -s socket, and wait for them.

start()	# start NAME BINARY [WORKERS [HOST]]: HOST 2 in run2 and work2
{
	local name=$1 bin=$2 n=${3:-} h=${4:-}

	(cd "$tmp/work$h" && exec "$bin" -s "$tmp/run$h/$name.sock" \
	    ${n:+-n "$n"} 2>>"$tmp/logs/$name$h.log") &
	pids+=("$!")
	names+=("$name${h:+@$h}")
}

start noop "$noop" "$NOOP_WORKERS"
responders=()
for bin in "$builddir"/fcgi/cavra-*; do
	if [ -f "$bin" ] && [ -x "$bin" ]; then
		name=${bin##*/cavra-}
		responders+=("$name")
		start "$name" "$bin" "$WORKERS"
		[ "$HOSTS" = 1 ] || start "$name" "$bin" "$WORKERS" 2
	fi
done
[ "${#responders[@]}" -gt 0 ] ||
    echo "run.sh: no responders built in $builddir/fcgi" >&2

for i in "${!names[@]}"; do
	case ${names[$i]} in
	*@2) sock=$tmp/run2/${names[$i]%@2}.sock ;;
	*) sock=$tmp/run/${names[$i]}.sock ;;
	esac
	for _ in $(seq 50); do
		[ -S "$sock" ] && break
		kill -0 "${pids[$i]}" 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -S "$sock" ]; then
		tail -n 5 "$tmp/logs/${names[$i]/@/}.log" >&2 || true
		die "cavra-${names[$i]} did not create $sock"
	fi
done

# ---------------------------------------------------------------------
# nginx: the production site with its paths moved here, plus /noop.

confdir=$(dirname "$("$NGINX" -V 2>&1 | tr ' ' '\n' |
    sed -n 's/^--conf-path=//p')")
[ -f "$confdir/fastcgi_params" ] || confdir=/etc/nginx
ln -s "$confdir/fastcgi_params" "$tmp/fastcgi_params"

# HOSTS=2: each upstream's server twice, the second host's socket after.
two=
[ "$HOSTS" = 1 ] ||
    two='s#server unix:/run/cavra/\([a-z_]*\)\.sock;#& server unix:/run/cavra2/\1.sock;#'
sed -e "${two:-s/^\$//}" \
    -e "s#unix:/run/cavra2/#unix:$tmp/run2/#g" \
    -e "s#^\([[:space:]]*\)listen 80;#\1listen 127.0.0.1:$port;#" \
    -e '/listen \[::\]:80;/d' \
    -e "s#root /usr/local/share/cavra/www;#root $srcdir/www;#" \
    -e "s#unix:/run/cavra/#unix:$tmp/run/#" \
    -e "s#^\([[:space:]]*\)server {#&\n\1\tlocation /noop { fastcgi_pass unix:$tmp/run/noop.sock; }#" \
    "$srcdir/conf/nginx-cavra.conf" >"$tmp/site.conf"
grep -q "listen 127.0.0.1:$port;" "$tmp/site.conf" ||
    die "conf/nginx-cavra.conf has no 'listen 80;' line to move"

{
	echo "daemon off;"
	echo "worker_processes $NGINX_WORKERS;"
	[ "$(id -u)" -ne 0 ] || echo "user root;"
	echo "pid $tmp/nginx.pid;"
	echo "error_log $tmp/logs/nginx-error.log warn;"
	echo "worker_rlimit_nofile 8192;"
	echo "events { worker_connections 4096; }"
	echo "http {"
	[ ! -f "$confdir/mime.types" ] || echo "	include $confdir/mime.types;"
	echo "	default_type application/octet-stream;"
	echo "	access_log off;"
	echo "	keepalive_requests 1000000;"
	for t in client_body fastcgi proxy uwsgi scgi; do
		echo "	${t}_temp_path $tmp/nginx-temp/$t;"
	done
	echo "	include $tmp/site.conf;"
	echo "}"
} >"$tmp/nginx.conf"

"$NGINX" -t -q -p "$tmp/" -e "$tmp/logs/nginx-error.log" \
    -c "$tmp/nginx.conf" || die "nginx rejected $tmp/nginx.conf"
"$NGINX" -p "$tmp/" -e "$tmp/logs/nginx-error.log" -c "$tmp/nginx.conf" &
nginx_pid=$!
for _ in $(seq 50); do
	"$CURL" -s -o /dev/null "$base/noop" && break
	kill -0 "$nginx_pid" 2>/dev/null || die "nginx exited; see its log"
	sleep 0.1
done

# ---------------------------------------------------------------------
# Helpers for the measurements.

# The responder that nginx sends PATH to, from the site's locations
# ("location [=] PREFIX { fastcgi_pass cavra_NAME; }"), or "noop".
responder_for()
{
	local path=${1%%\?*}

	case $path in
	/noop | /noop/*) echo noop; return ;;
	esac
	awk -v p="$path" '
	$1 == "location" && $NF == "}" && $(NF - 2) == "fastcgi_pass" {
		exact = ($2 == "=")
		prefix = exact ? $3 : $2
		name = $(NF - 1)
		sub(/;$/, "", name)
		sub(/^cavra_/, "", name)
		if (exact && p == prefix) { print name; found = 1; exit }
		if (!exact && index(p, prefix) == 1 && length(prefix) > best) {
			best = length(prefix)
			bname = name
		}
	}
	END { if (!found && best > 0) print bname }' "$tmp/site.conf"
}

# Resident memory of process $1 and its children in MiB: VmRSS, or the
# field of /proc/PID/status named by $2 (RssAnon: anonymous memory), or
# with $2 Pss the proportional set size of /proc/PID/smaps_rollup (each
# page divided by the number of processes that map it, so the library
# pages a parent shares with its workers count once in all).
rss_mib()
{
	local pid=$1 field=${2:-VmRSS} total=0 p kb file=status

	[ "$field" != Pss ] || file=smaps_rollup
	for p in "$pid" $(pgrep -P "$pid" || true); do
		kb=$(awk -v f="$field:" '$1 == f { print $2 }' \
		    "/proc/$p/$file" 2>/dev/null || true)
		total=$((total + ${kb:-0}))
	done
	awk -v k="$total" 'BEGIN { printf "%.1f", k / 1024 }'
}

# The number of processes of responder $1 (parent + workers).
nproc_of()
{
	echo $((1 + $(pgrep -c -P "$1" || true)))
}

pid_of()
{
	local i

	for i in "${!names[@]}"; do
		if [ "${names[$i]}" = "$1" ]; then
			echo "${pids[$i]}"
			return
		fi
	done
}

# A wrk script that sets the method and, if given, the body ($2).
wrk_script()
{
	local method=$1 body=${2:-} out=$tmp/$3.lua

	{
		echo "wrk.method = \"$method\""
		if [ -n "$body" ]; then
			echo "local f = assert(io.open(\"$body\", \"rb\"))"
			echo "wrk.body = f:read(\"*a\")"
			echo "f:close()"
			echo "wrk.headers[\"Content-Type\"] = \"application/json\""
		fi
	} >"$out"
	echo "$out"
}

# Run wrk on URL $1 with script $2 for $3 seconds; print its output.
run_wrk()
{
	"$WRK" -t"$THREADS" -c"$CONN" -d"$3"s --latency -s "$2" "$1" </dev/null
}

# The median of each column of lines "rps p50 p99 non2xx errors" on stdin;
# the error counts are summed instead.
median()
{
	awk '{ n++; for (i = 1; i <= 3; i++) v[i, n] = $i; bad += $4; err += $5 }
	function med(c,    i, j, t, a) {
		for (i = 1; i <= n; i++) a[i] = v[c, i]
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	END { printf "%.0f %.3f %.3f %d %d\n", med(1), med(2), med(3), bad, err }'
}

# From wrk output on stdin: "rps p50_ms p99_ms non2xx errors".
parse_wrk()
{
	awk '
	function ms(v) {
		if (v ~ /us$/) return v / 1000
		if (v ~ /ms$/) return v + 0
		if (v ~ /s$/) return v * 1000
		return v + 0
	}
	/^Requests\/sec:/ { rps = $2 }
	/^ *50%/ { p50 = ms($2) }
	/^ *99%/ { p99 = ms($2) }
	/Non-2xx or 3xx responses:/ { bad = $NF }
	/Socket errors:/ {
		gsub(/,/, "")
		err = $4 + $6 + $8 + $10
	}
	END { printf "%.0f %.3f %.3f %d %d\n", rps, p50, p99, bad, err }'
}

# ---------------------------------------------------------------------
# The runs.

if [ -n "$CLASSES" ]; then
	table=$(cat "$CLASSES")
else
	table=$DEFAULT_CLASSES
fi
table=${table//@AGENT@/$seed_agent}
table=${table//@SESSION@/$seed_session}

# Each responder's memory once started, before any request.
startrss=()
for i in "${!names[@]}"; do
	startrss+=("$(rss_mib "${pids[$i]}")")
done

date_utc=$(date -u '+%Y-%m-%d %H:%M UTC')
rows=()
ran=0
while read -r cname method path body <&3; do
	case $cname in
	'' | '#'*) continue ;;
	esac
	if [ -n "$ONLY" ] && [[ ",$ONLY," != *",$cname,"* ]]; then
		continue
	fi
	resp=$(responder_for "$path")
	if [ -z "$resp" ]; then
		echo "run.sh: $cname: no location routes $path; skipped" >&2
		continue
	fi
	rpid=$(pid_of "$resp")
	if [ -z "$rpid" ]; then
		echo "run.sh: $cname: cavra-$resp is not built; skipped" >&2
		continue
	fi
	bodyfile=
	if [ -n "${body:-}" ]; then
		case $body in
		/*) bodyfile=$body ;;
		*) bodyfile=$srcdir/$body ;;
		esac
		[ -f "$bodyfile" ] || die "$cname: no body file $bodyfile"
	fi
	script=$(wrk_script "$method" "$bodyfile" "$cname")

	# One request first, to show what the endpoint answers.
	curl_args=(-s -o "$tmp/$cname.first" -w '%{http_code}' -X "$method")
	if [ -n "$bodyfile" ]; then
		curl_args+=(-H 'Content-Type: application/json'
		    --data-binary "@$bodyfile")
	fi
	status=$("$CURL" "${curl_args[@]}" "$base$path" </dev/null || echo 000)
	total=$(grep -o '"total": *[0-9]*' "$tmp/$cname.first" 2>/dev/null |
	    head -n 1 | tr -dc 0-9 || true)
	echo "run.sh: $cname: $method $path -> $status (cavra-$resp)${total:+, total $total}" >&2

	if [ "$WARMUP" -gt 0 ]; then
		run_wrk "$base/noop" "$script" "$WARMUP" >/dev/null
		run_wrk "$base$path" "$script" "$WARMUP" >/dev/null
	fi
	# ROUNDS pairs of runs, in the order noop, endpoint, endpoint,
	# noop, noop, ... so that a drift of the machine during the class
	# weighs on both sides alike.
	: >"$tmp/$cname.noop.res"
	: >"$tmp/$cname.res"
	for r in $(seq "$ROUNDS"); do
		if [ $((r % 2)) -eq 1 ]; then
			order="noop ep"
		else
			order="ep noop"
		fi
		for side in $order; do
			if [ "$side" = noop ]; then
				run_wrk "$base/noop" "$script" "$DURATION" \
				    >"$tmp/$cname.noop.$r.wrk"
				parse_wrk <"$tmp/$cname.noop.$r.wrk" \
				    >>"$tmp/$cname.noop.res"
			else
				run_wrk "$base$path" "$script" "$DURATION" \
				    >"$tmp/$cname.$r.wrk"
				parse_wrk <"$tmp/$cname.$r.wrk" >>"$tmp/$cname.res"
			fi
		done
	done
	read -r n_rps n_p50 n_p99 n_bad n_err < <(median <"$tmp/$cname.noop.res")
	read -r e_rps e_p50 e_p99 e_bad e_err < <(median <"$tmp/$cname.res")
	if [ $((n_bad + n_err)) -gt 0 ]; then
		echo "run.sh: $cname: the no-op had $((n_bad + n_err)) errors" >&2
	fi
	ratio=$(awk -v a="$e_rps" -v b="$n_rps" \
	    'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
	# The spread of the per-round ratios.
	spread=$(paste -d ' ' "$tmp/$cname.res" "$tmp/$cname.noop.res" |
	    awk '$6 > 0 { r = $1 / $6
		if (n == 0 || r < lo) lo = r
		if (n == 0 || r > hi) hi = r
		n++ }
	    END { if (n) printf "%.2f-%.2f", lo, hi; else print "-" }')
	if [ $((e_bad + e_err)) -gt 0 ]; then
		ratio="($ratio)"
		echo "run.sh: $cname: $((e_bad + e_err)) errors; its ratio does not measure the endpoint" >&2
	fi
	rss=$(rss_mib "$rpid")
	rows+=("| $cname | \`$method $path\` | $status | $e_rps | $e_p50 | $e_p99 | $n_rps | $n_p50 | $n_p99 | $ratio | $spread | $((e_bad + e_err)) | cavra-$resp | $rss |")
	ran=$((ran + 1))
done 3<<<"$table"
[ "$ran" -gt 0 ] || die "no class was run"

# Memory of every responder after the runs, once settled (what was
# acknowledged is stored, free memory given back), and its peak (VmHWM,
# the high-water mark of each process since it started).
sleep "${SETTLE:-3}"
memrows=()
for i in "${!names[@]}"; do
	n=${names[$i]}
	label=cavra-$n
	[ "$n" != noop ] || label="cavra-noop (bench)"
	memrows+=("| $label | $(nproc_of "${pids[$i]}") | ${startrss[$i]} | $(rss_mib "${pids[$i]}") | $(rss_mib "${pids[$i]}" RssAnon) | $(rss_mib "${pids[$i]}" Pss) | $(rss_mib "${pids[$i]}" VmHWM) |")
done

# ---------------------------------------------------------------------
# Report.

commit=$(git -C "$srcdir" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] &&
    [ -n "$(git -C "$srcdir" status --porcelain 2>/dev/null | head -n 1)" ]; then
	commit="$commit (with uncommitted changes)"
fi
model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
cmd="${WORKERS:+WORKERS=$WORKERS }CONN=$CONN THREADS=$THREADS DURATION=$DURATION"
cmd="$cmd WARMUP=$WARMUP ROUNDS=$ROUNDS STORE=$STORE NGINX_WORKERS=$NGINX_WORKERS"
[ "$HOSTS" = 1 ] || cmd="$cmd HOSTS=$HOSTS"
[ "${SEED:-0}" -gt 0 ] && cmd="$cmd SEED=$SEED"
for v in CAVRA_THREADS CAVRA_JOURNAL_DELAY_MS CAVRA_SQLITE_CACHE_MIB; do
	eval "val=\${$v:-}"
	[ -z "$val" ] || cmd="$v=$val $cmd"
done
[ -z "$ONLY" ] || cmd="$cmd ONLY=$ONLY"
[ -z "$CLASSES" ] || cmd="$cmd CLASSES=$CLASSES"
cmd="$cmd bench/run.sh${arg:+ $arg}"

load_end=$(cut -d ' ' -f 1-3 /proc/loadavg)
stores=$STORE
if [ "$STORE" = postgresql ]; then
	pgv=$(for d in /usr/lib/postgresql/*/bin; do "$d/postgres" -V; done \
	    2>/dev/null | tail -n 1 | awk '{ print $3 }')
	stores="postgresql ${pgv:-} ($(printf '%s\n' "$PG_CONF" |
	    paste -sd ';' | sed 's/;/, /g')), $HOSTS host$([ "$HOSTS" = 1 ] ||
	    echo "s, every nginx upstream over both sets of responders")"
fi

report()
{
	echo "## $date_utc"
	echo
	echo "- machine: $(nproc) CPUs, ${model:-unknown CPU}, Linux $(uname -r)"
	echo "- software: $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'), $("$WRK" -v 2>&1 | head -n 1 | awk '{ print $1, $2 }')"
	echo "- build: commit $commit, $builddir"
	echo "- load average (1, 5, 15 min; the machine is shared): $load_start at the start, $load_end at the end"
	echo "- command: \`$cmd\`"
	echo "- wrk: \`$WRK -t$THREADS -c$CONN -d${DURATION}s --latency\`, $ROUNDS rounds per side (medians), after ${WARMUP}s of warm-up; stores: $stores; workers: ${WORKERS:-as each responder defaults} (no-op: $NOOP_WORKERS); nginx: $NGINX_WORKERS worker, access log off"
	echo
	echo "| class | request | status | rps | p50 ms | p99 ms | noop rps | noop p50 ms | noop p99 ms | ratio | ratio per round | errors | responder | RSS MiB |"
	echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"
	printf '%s\n' "${rows[@]}"
	echo
	if printf '%s\n' "${rows[@]}" | grep -q '| ([0-9.]*) |'; then
		echo "A ratio in parentheses comes from a run with errors: it does not measure the endpoint."
		echo
	fi
	echo "Resident memory (VmRSS, and RssAnon: its anonymous part, summed over the parent and its workers) once started with ${SEED:-0} stored decisions, ${SETTLE:-3} s after the runs, its proportional share (PSS: a page shared by several processes divided among them, so the libraries a parent shares with its workers count once), and the peak of each process (VmHWM, summed):"
	echo
	echo "| responder | processes | RSS MiB at start | RSS MiB after | anon MiB after | PSS MiB after | peak MiB |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	printf '%s\n' "${memrows[@]}"
	echo
}

report | tee "$tmp/report.md"

if [ "$RESULTS" != - ]; then
	{
		cat <<'EOF'
# Benchmark results

Written by `bench/run.sh`; the newest run is first.  Each class is measured
against `bench/cavra-noop`, a libfcgi responder that answers `{}` without
doing anything, behind the same nginx and with the same method and body:
the no-op is the cost of the nginx + FastCGI round trip, so *ratio* =
rps(endpoint) / rps(no-op) is the share of that ceiling the endpoint
reaches (1.00 = as cheap as the transport).  Each side is measured several
times, alternately (no-op, endpoint, endpoint, no-op, ...); the table gives
medians, and *ratio per round* the lowest and highest ratio of the rounds.
The `noop` class measures the no-op against itself: its spread is the
noise of the machine, and a ratio inside that noise means "as cheap as
the transport".  *status* is the answer to one request before the run;
*errors* counts non-2xx/3xx answers and socket errors during it.
Latencies are wrk's percentiles over all requests of a run.  Loopback
only: client, nginx and responders share the machine's CPUs.

EOF
		echo "<!-- run -->"
		cat "$tmp/report.md"
		if [ -f "$RESULTS" ]; then
			awk 'f || /^<!-- run -->$/ { f = 1; print }' "$RESULTS"
		fi
	} >"$tmp/RESULTS.md"
	cp "$tmp/RESULTS.md" "$RESULTS"
	echo "run.sh: wrote $RESULTS" >&2
fi
