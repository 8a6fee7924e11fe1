#!/bin/sh
# PostgreSQL mode (issue 16), against a throw-away cluster started here
# (tests/pg-cluster: initdb and pg_ctl in a temporary directory, a unix
# socket only, an unprivileged user) and stopped at the end.  Prints TAP:
#
#  - the store unit tests over the JSON, SQLite and PostgreSQL backends;
#  - API tests in PostgreSQL mode: the "sqlite" stack of tests/run-test on
#    a fresh database each ($CAVRA_PG_API_TESTS, unset: test_activity
#    test_registry test_approvals, or test_activity alone in a sanitizer
#    build);
#  - two hosts: two stacks, each with its own journal directory, sharing
#    one database: a decision posted to either is listed by both, an
#    approval opened on one is approved on the other, and kill -9 of one
#    host's responders during writes loses no acknowledged decision once
#    that host restarts;
#  - two hosts storing decisions of one session at once lose no update
#    of its counts;
#  - an outage: the server stopped during writes; reads answer 503
#    problem+json, no responder dies, and after a restart every
#    acknowledged decision is there.
#  - cavra ops backup while the hosts write (no password in it), restore
#    into the same database (--force) and into an empty one: the records
#    and their counts are back.
#
# The store unit tests and the API tests run in the background, on a
# second cluster, while the two hosts run; their lines come last.
# Skipped (1..0) when PostgreSQL is not installed.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
export top_srcdir top_builddir
. "$top_srcdir/tests/tap.sh"

cluster="$top_srcdir/tests/pg-cluster"
stack="$top_srcdir/tests/stack"
dir=$(mktemp -d "${TMPDIR:-/tmp}/cavra-pg.XXXXXX")
chmod 0755 "$dir"
stacks=
bg_pid=

cleanup() {
	for s in $stacks; do
		"$stack" stop "$s" >/dev/null 2>&1
	done
	[ -n "$bg_pid" ] && wait "$bg_pid"
	"$cluster" stop "$dir/bg" >/dev/null 2>&1
	"$cluster" stop "$dir" >/dev/null 2>&1
	rm -rf "$dir"
}

url=$("$cluster" start "$dir" 2>"$dir/start.err")
rc=$?
if [ "$rc" = 77 ]; then
	echo "1..0 # SKIP PostgreSQL is not installed"
	rm -rf "$dir"
	exit 0
fi
trap cleanup EXIT
if [ "$rc" != 0 ]; then
	echo "Bail out! PostgreSQL did not start: $(tail -n 3 "$dir/start.err")"
	exit 0
fi

# passed LOG: the tests of LOG that passed (not skipped).
passed() {
	grep '^ok' "$1" | grep -vc '# SKIP'
}
# tap_of LOG: 0 when the TAP in LOG passed something and failed nothing.
tap_of() {
	grep -q '^ok' "$1" && ! grep -q '^not ok\|^Bail out' "$1"
}
# diag LOG: its failures as TAP diagnostics.
diag() {
	grep -A6 '^not ok\|^Bail out' "$1" | head -n 40 | sed 's/^/# /'
}

# The store unit tests and the API tests in PostgreSQL mode run in the
# background, on a cluster of their own in $dir/bg, while the two hosts
# use this one (whose outage below stops it); their results are told
# after the hosts'.  The API tests each get a fresh database; in a
# sanitizer build (slower, and run after the plain one) test_activity
# only.
api_tests="test_activity test_registry test_approvals"
grep -q '^SAN_CFLAGS = .*sanitize' "$top_builddir/Makefile" 2>/dev/null &&
    api_tests=test_activity
mkdir -p "$dir/bg"
(
	bgurl=$("$cluster" start "$dir/bg" 2>"$dir/bg/start.err") || exit 0
	CAVRA_TEST_PG="$bgurl" "$top_builddir/tests/unit/test_store" \
	    --tap=/dev/stdout --always-succeed -j2 >"$dir/unit.log" \
	    2>"$dir/unit.err"
	for t in ${CAVRA_PG_API_TESTS-$api_tests}; do
		u=$("$cluster" createdb "$dir/bg" "$t") || continue
		# Only the PostgreSQL half: the JSON half runs in the plain
		# suite.
		CAVRA_TEST_PG_URL="$u" "$top_srcdir/tests/run-test" \
		    "$top_builddir/tests/api/$t" --filter='*_sqlite/*' \
		    >"$dir/$t.log" 2>&1
	done
) &
bg_pid=$!

# background_results: waits for the background's tests and tells theirs.
background_results() {
	wait "$bg_pid"
	bg_pid=
	if [ ! -f "$dir/unit.log" ]; then
		ok 1 "the background's PostgreSQL cluster started"
		sed 's/^/# /' "$dir/bg/start.err"
		return
	fi
	tap_of "$dir/unit.log"
	r=$?
	ok $r "store unit tests on json, sqlite and postgresql ($(passed \
	    "$dir/unit.log") passed)"
	[ $r = 0 ] || diag "$dir/unit.log"
	for t in ${CAVRA_PG_API_TESTS-$api_tests}; do
		[ -f "$dir/$t.log" ] || { ok 1 "createdb $t"; continue; }
		tap_of "$dir/$t.log"
		r=$?
		ok $r "$t in PostgreSQL mode ($(passed "$dir/$t.log") passed)"
		[ $r = 0 ] || diag "$dir/$t.log"
	done
}

# Two hosts on one database: stacks a and b, journals in their own
# directories.
u=$("$cluster" createdb "$dir" hosts) || exit 0
export CAVRA_POLICY_DIR="$dir/policies"
for h in a b; do
	if ! CAVRA_DATABASE_URL="$u" "$stack" start "$dir/$h" \
	    >"$dir/$h.start" 2>&1; then
		echo "Bail out! stack $h did not start: $(tail -n 3 "$dir/$h.start")"
		exit 0
	fi
	stacks="$stacks $dir/$h"
done
A="http://127.0.0.1:$(cat "$dir/a/port")"
B="http://127.0.0.1:$(cat "$dir/b/port")"

# post BASE PATH BODY: the answer's body on stdout, its status in $dir/code.
post() {
	curl -s -o "$dir/body" -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/json' --data "$3" "$1$2" \
	    >"$dir/code" 2>/dev/null
	cat "$dir/body"
}
# status BASE PATH: the status of GET.
status() {
	curl -s -o /dev/null -w '%{http_code}' "$1$2" 2>/dev/null
}
# field NAME: a string field of the JSON on stdin.
field() {
	sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}
# decide BASE SESSION N: posts decision N of SESSION; its id on stdout
# when acknowledged (200).
decide() {
	post "$1" /decisions "{\"session_id\":\"$2\",\"action_type\":\"execute_command\",\"target\":\"echo $3\"}" |
	    field decision_id >"$dir/id"
	[ "$(cat "$dir/code")" = 200 ] && [ -s "$dir/id" ] &&
	    echo "$(cat "$dir/id")"
}
# visible BASE IDFILE SECONDS: 0 once every decision of IDFILE answers 200
# on BASE, within SECONDS.
visible() {
	k=$(($3 * 10))
	while [ $k -gt 0 ]; do
		missing=0
		while read -r id; do
			[ "$(status "$1" "/decisions/$id")" = 200 ] ||
			    { missing=1; break; }
		done <"$2"
		[ $missing = 0 ] && return 0
		sleep 0.1
		k=$((k - 1))
	done
	return 1
}

: >"$dir/ids"
decide "$A" s-hosts 1 >>"$dir/ids"
decide "$B" s-hosts 2 >>"$dir/ids"
visible "$A" "$dir/ids" 10 && visible "$B" "$dir/ids" 10 &&
    [ "$(wc -l <"$dir/ids")" = 2 ] &&
    [ "$(curl -s "$A/decisions?session_id=s-hosts" | grep -o '"decision_id"' |
    wc -l)" = 2 ] &&
    [ "$(curl -s "$B/decisions?session_id=s-hosts" | grep -o '"decision_id"' |
    wc -l)" = 2 ]
ok $? "two hosts: a decision posted to either is listed by both"

apr=$(post "$A" /approvals '{"decision": {"decision_id": "dec_pg_hosts", "session_id": "s-hosts", "reason": "needs a human"}, "approver_group": "security"}' |
    field approval_id)
r=1
if [ -n "$apr" ]; then
	post "$B" "/approvals/$apr/approve" \
	    '{"actor": "alice", "reason": "ok"}' >/dev/null
	[ "$(cat "$dir/code")" = 200 ] &&
	    curl -s "$A/approvals/$apr" | grep -q '"state": *"approved"'
	r=$?
fi
ok $r "two hosts: an approval opened on one is approved on the other"

# Both hosts store decisions of one session at once: each indexer reads
# the session record, adds its batch's counts and writes it back, so a
# lost update would show in the session's decision_count.
# race BASE TAG: 40 decisions of session s-race posted to BASE; the
# acknowledged ids in $dir/race.TAG.
race() {
	: >"$dir/race.$2"
	i=0
	while [ $i -lt 40 ]; do
		code=$(curl -s -o "$dir/race.$2.body" -w '%{http_code}' -X POST \
		    -H 'Content-Type: application/json' --data \
		    "{\"session_id\":\"s-race\",\"action_type\":\"execute_command\",\"target\":\"echo $2 $i\"}" \
		    "$1/decisions" 2>/dev/null)
		# The body ends without a newline: echo gives the line one.
		id=$(field decision_id <"$dir/race.$2.body")
		[ "$code" = 200 ] && [ -n "$id" ] && echo "$id" >>"$dir/race.$2"
		i=$((i + 1))
	done
}
race "$A" a &
ra=$!
race "$B" b &
rb=$!
wait $ra $rb
cat "$dir/race.a" "$dir/race.b" >"$dir/race.ids"
cnt=$(wc -l <"$dir/race.ids")
visible "$A" "$dir/race.ids" 20 && visible "$B" "$dir/race.ids" 20
got=$(curl -s "$B/sessions/s-race" | jq .decision_count)
[ "$cnt" = 80 ] && [ "$got" = "$cnt" ]
ok $? "two hosts: concurrent decisions of one session lose no count update ($got of $cnt)"

# kill -9 of host a's responders while a writer posts to it: every
# decision it acknowledged is there once a restarts.
: >"$dir/acked"
(
	i=0
	while [ $i -lt 300 ] && [ ! -f "$dir/stop" ]; do
		decide "$A" s-kill "$i" >>"$dir/acked"
		i=$((i + 1))
	done
) &
writer=$!
sleep 1
# The workers and their parents, all of them at once.
for f in "$dir"/a/cavra-*.pid; do
	pkill -KILL -P "$(cat "$f")" 2>/dev/null
	kill -KILL "$(cat "$f")" 2>/dev/null
done
sleep 0.3
touch "$dir/stop"
wait $writer
cnt=$(wc -l <"$dir/acked")
"$stack" restart "$dir/a" >"$dir/a.restart" 2>&1 &&
    [ "$cnt" -gt 0 ] && visible "$B" "$dir/acked" 20 &&
    visible "$A" "$dir/acked" 20
ok $? "kill -9 of a host during writes: its $cnt acknowledged decisions are kept"

# An outage: the server stops during writes.
: >"$dir/acked"
decide "$A" s-outage 0 >>"$dir/acked"
"$cluster" kill "$dir" >/dev/null 2>&1
i=1
codes=
while [ $i -le 5 ]; do
	decide "$A" s-outage "$i" >>"$dir/acked"
	codes="$codes $(cat "$dir/code")"
	i=$((i + 1))
done
r=0
for c in $codes; do
	case "$c" in 200|503) ;; *) r=1 ;; esac
done
ok $r "outage: writes are acknowledged or answer 503 (got$codes)"
code=$(curl -s -o "$dir/body" -D "$dir/headers" -w '%{http_code}' \
    "$B/decisions?session_id=s-outage")
[ "$code" = 503 ] && grep -qi '^content-type: application/problem+json' \
    "$dir/headers"
ok $? "outage: a read answers 503 problem+json (got $code)"
alive=0
for f in "$dir"/a/cavra-*.pid "$dir"/b/cavra-*.pid; do
	kill -0 "$(cat "$f")" 2>/dev/null || alive=1
done
ok $alive "outage: no responder died"
"$cluster" restart "$dir" >/dev/null 2>&1
cnt=$(wc -l <"$dir/acked")
[ "$cnt" -ge 1 ] && visible "$A" "$dir/acked" 30 &&
    visible "$B" "$dir/acked" 30
ok $? "outage: after a restart the $cnt acknowledged decisions are there"

# /operations/stores names host and database, never a password.
curl -s "$A/operations/stores" >"$dir/stores"
grep -q '"kind": *"postgresql"' "$dir/stores" &&
    grep -q "\"host\": *\"$dir\"" "$dir/stores" &&
    grep -q '"database": *"hosts"' "$dir/stores"
ok $? "/operations/stores reports kind postgresql with host and database"
curl -s "$A/deployment/production-readiness" |
    grep -q '"id": *"database_connection"'
ok $? "production readiness checks the database connection"

# cavra ops backup while the hosts run: every store's records, read in one
# snapshot, and never the connection string's password (the test cluster
# trusts its socket and ignores it).
cavra="$top_builddir/cli/cavra"
psql=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | tail -n 1)
ub="$u password=pg-secret-$$"
bk="$dir/backup"
# sql QUERY: one value from the hosts database.
sql() {
	"$psql" -X -A -t -q "$u" -c "$1" 2>/dev/null
}
# copies_equal DIR1 DIR2: the same records in both backups' copies.
copies_equal() {
	for f in "$1"/stores/*.jsonl; do
		cmp -s "$f" "$2/stores/$(basename "$f")" || return 1
	done
	[ "$(ls "$1/stores" | wc -l)" = 6 ]
}
CAVRA_DATABASE_URL="$ub" "$cavra" ops backup "$bk" >"$dir/out" 2>"$dir/err"
rc=$?
nrec=$(jq '[.stores[].records[]] | add' "$bk/manifest.json" 2>/dev/null)
ndec=$(jq '.stores[] | select(.name == "activity") | .records.decisions' \
    "$bk/manifest.json" 2>/dev/null)
[ $rc = 0 ] && [ "$(jq -r '[.stores[] | .kind + " " + .backup_path] |
    unique | length' "$bk/manifest.json")" = 6 ] &&
    [ "$(jq -r '[.stores[].kind] | unique | join(",")' \
    "$bk/manifest.json")" = postgresql ] &&
    [ "$nrec" = "$(sql 'SELECT sum(n) FROM cavra_row_counts')" ] &&
    [ "$ndec" = "$(sql 'SELECT count(*) FROM activity_decisions')" ] &&
    [ "$ndec" -ge 3 ]
ok $? "ops backup: six PostgreSQL stores, $nrec records as counted ($rc)"
! grep -rq "pg-secret-$$" "$bk" "$dir/out"
ok $? "ops backup: the copies and the manifest hold no password"
decide "$A" s-after-backup 1 >/dev/null
[ "$(cat "$dir/code")" = 200 ]
ok $? "a decision posted after the backup"

# Stopped first, so that a leak report is written.
for h in $stacks; do
	"$stack" stop "$h" >/dev/null 2>&1
done
! grep -l "ERROR: AddressSanitizer\|runtime error:\|LeakSanitizer" \
    "$dir"/a/cavra-*.log "$dir"/b/cavra-*.log >/dev/null 2>&1
ok $? "no sanitizer report in the two hosts' responder logs"

# cavra ops restore, the responders stopped: into the same database over
# its records (--force only), then into an empty one.  A backup of the
# result holds the same records, line for line.
CAVRA_DATABASE_URL="$ub" "$cavra" ops restore "$bk" >"$dir/out" 2>"$dir/err"
rc=$?
[ $rc = 4 ] && grep -q "not overwritten without --force" "$dir/err" &&
    [ "$(sql "SELECT count(*) FROM activity_decisions")" = $((ndec + 1)) ]
ok $? "ops restore over a database with records is refused without --force ($rc)"
CAVRA_DATABASE_URL="$ub" "$cavra" ops restore --force "$bk" >"$dir/out" \
    2>"$dir/err"
rc=$?
rm -rf "$bk.2"
CAVRA_DATABASE_URL="$ub" "$cavra" ops backup "$bk.2" >/dev/null 2>&1 &&
    [ $rc = 0 ] && [ "$(jq .restored_count "$dir/out")" = 6 ] &&
    copies_equal "$bk" "$bk.2" &&
    [ "$(sql "SELECT count(*) FROM activity_decisions")" = "$ndec" ] &&
    [ "$(sql "SELECT count(*) FROM activity_decisions WHERE session_id = \
    's-after-backup'")" = 0 ]
ok $? "ops restore --force: the database holds the backup's records again ($rc)"
"$cluster" createdb "$dir" hosts >/dev/null &&
    CAVRA_DATABASE_URL="$ub" "$cavra" ops restore "$bk" >"$dir/out" \
    2>"$dir/err"
rc=$?
rm -rf "$bk.3"
CAVRA_DATABASE_URL="$ub" "$cavra" ops backup "$bk.3" >/dev/null 2>&1 &&
    [ $rc = 0 ] && copies_equal "$bk" "$bk.3" &&
    [ "$(sql "SELECT count(*) FROM activity_decisions")" = "$ndec" ] &&
    [ "$(sql "SELECT n FROM cavra_row_counts WHERE tbl = \
    'activity_decisions'")" = "$ndec" ] &&
    [ "$(sql 'SELECT sum(n) FROM cavra_row_counts')" = "$nrec" ]
ok $? "ops restore after a wipe: $nrec records back, counts equal ($rc)"
if CAVRA_DATABASE_URL="$u" "$stack" restart "$dir/a" >"$dir/a.restart" 2>&1
then
	t=$(curl -s "$A/decisions?limit=1" | jq .total)
	[ "$t" = "$ndec" ]
else
	false
fi
ok $? "ops restore: a host started on the restored database lists $ndec decisions (got ${t:-none})"

background_results
echo "1..$n"
exit 0
