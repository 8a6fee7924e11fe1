#!/bin/sh
# TAP: cavra-activity's journal keeps every acknowledged decision, with the
# JSON store and with the SQLite store.  CAVRA_JOURNAL_DELAY_MS=60000
# keeps the indexer from storing anything by itself, so what the
# decisions' readers find was stored by one of:
#  a. a replay: the worker is SIGKILLed and its master starts another,
#     which stores what the journal holds;
#  b. a replay after master and worker are both SIGKILLed, and a second
#     one of the same journal (a crash between storing its decisions and
#     emptying it) that must store nothing twice;
#  c. the stop: SIGTERM stores what is queued;
#  d. with CAVRA_WORKERS=2, no journal at all (direct mode);
#  e. a start in direct mode after a crash: it stores what the journal
#     holds all the same.
# Every case checks that each acknowledged decision is found, that the
# sessions' totals are exact, and that the journal is left empty.
# The JSON and the SQLite halves run at the same time, each on stacks of
# its own (cavra-activity and cavra-console only); their TAP lines are
# printed once both have ended, JSON first.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir
export CAVRA_POLICY_DIR="${CAVRA_POLICY_DIR:-$top_srcdir/policies}"
stack=$top_srcdir/tests/stack
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
export NGINX

if ! command -v curl >/dev/null 2>&1 || [ ! -x "$NGINX" ]; then
	echo "1..0 # SKIP needs curl and nginx"
	exit 0
fi

tmp=$(mktemp -d)
runs="$tmp/json $tmp/json-direct $tmp/sqlite $tmp/sqlite-direct"
cleanup() {
	for r in $runs; do
		"$stack" stop "$r" >/dev/null 2>&1
	done
	if [ $failed = 0 ]; then
		rm -rf "$tmp"
	else
		echo "# run directories kept in $tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$top_srcdir/tests/tap.sh"
run=""

# After a failure: the end of the responder's log.
tap_diag() {
	[ -n "$run" ] && [ -f "$run/cavra-activity.log" ] &&
		tail -n 5 "$run/cavra-activity.log" | sed 's/^/# /'
}

# stk KIND RUNDIR ACTION [VAR=VALUE...]: tests/stack ACTION RUNDIR with
# the stores of KIND (json: the default files in RUNDIR/.cavra/api;
# sqlite: databases in RUNDIR) and the long journal delay.
stk() {
	k=$1 r=$2 a=$3
	shift 3
	if [ "$k" = sqlite ]; then
		set -- CAVRA_ACTIVITY_DB="$r/activity.db" \
		    CAVRA_REGISTRY_DB="$r/registry.db" "$@"
	fi
	env CAVRA_JOURNAL_DELAY_MS=60000 CAVRA_STACK_ONLY=activity "$@" \
	    "$stack" "$a" "$r" \
	    >>"$r.stack.log" 2>&1
}

# journal_of KIND RUNDIR: the journal's base path (the activity store's).
journal_of() {
	if [ "$1" = sqlite ]; then
		echo "$2/activity.db.journal"
	else
		echo "$2/.cavra/api/activity.json.journal"
	fi
}

# wait_for SECONDS COMMAND...: polls COMMAND every 0.2 s.
wait_for() {
	w=$(($1 * 5))
	shift
	while [ "$w" -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		w=$((w - 1))
	done
	return 1
}

# gone PID: the process does not exist or is a zombie.
gone() {
	case "$(ps -o stat= -p "$1" 2>/dev/null)" in
	Z*|"")	return 0 ;;
	esac
	return 1
}

# req METHOD PATH [BODY]: prints the HTTP status; the body is in $body.
req() {
	if [ $# -ge 3 ]; then
		curl -sS -m 10 -o "$body" -w '%{http_code}' -X "$1" \
		    -H 'Content-Type: application/json' --data-binary "$3" \
		    "$base$2" 2>/dev/null
	else
		curl -sS -m 10 -o "$body" -w '%{http_code}' -X "$1" \
		    "$base$2" 2>/dev/null
	fi
}

# field NAME: the integer field NAME of $body.
field() {
	sed -n "s/.*\"$1\":\([0-9][0-9]*\).*/\1/p" "$body"
}

# answers: GET /decisions answers 200 (it drains the journal's queue).
answers() {
	[ "$(req GET '/decisions?limit=1')" = 200 ]
}

# post SESSION block|allow: one decision (read_file .env is blocked,
# terraform plan allowed); its id is appended to the file $ids.
post() {
	if [ "$2" = block ]; then
		set -- "$1" "$2" '"action_type":"read_file","target":".env"'
	else
		set -- "$1" "$2" \
		    '"action_type":"execute_command","target":"terraform plan"'
	fi
	st=$(req POST /decisions "{\"session_id\":\"$1\",\"agent_id\":\"journal-test\",$3}")
	id=$(sed -n 's/.*"decision_id":"\([^"]*\)".*/\1/p' "$body")
	[ "$st" = 200 ] && [ -n "$id" ] &&
	    grep -q "\"decision\":\"$2\"" "$body" || return 1
	echo "$id" >>"$ids"
}

# post_pair S1 S2: 10 decisions in each session, in turns; 5 of S1's are
# blocked, 3 of S2's.  Fails when one is not acknowledged.
post_pair() {
	i=1 bad=0
	while [ $i -le 10 ]; do
		if [ $((i % 2)) = 1 ]; then v=block; else v=allow; fi
		post "$1" $v || bad=$((bad + 1))
		if [ $((i % 3)) = 0 ]; then v=block; else v=allow; fi
		post "$2" $v || bad=$((bad + 1))
		i=$((i + 1))
	done
	[ $bad = 0 ]
}

# records: the records of the journal $jb, both files: a file holds
# records, one per line, then zeros up to its size.
records() {
	cat "$jb.0" "$jb.1" 2>/dev/null | tr -d '\000'
}

# in_journal: every id of $ids is a record of the journal $jb, and the
# journal holds nothing else.
in_journal() {
	records >"$body.records"
	lines=$(wc -l <"$body.records")
	[ "$lines" -eq "$(wc -l <"$ids")" ] || return 1
	for id in $(cat "$ids"); do
		grep -q "\"decision_id\":\"$id\"" "$body.records" || return 1
	done
}

# journal_empty: both files of the journal $jb exist and hold no record.
journal_empty() {
	[ -f "$jb.0" ] && [ -f "$jb.1" ] && [ -z "$(records)" ]
}

# found: every id of $ids is served by GET /decisions/{id}, all asked by
# one curl, each answer in $body.ID; $missing counts those that are not.
found() {
	missing=0
	set --
	for id in $(cat "$ids"); do
		rm -f "$body.$id"
		set -- "$@" -o "$body.$id" "$base/decisions/$id"
	done
	curl -sS -m 10 -w '%{http_code}\n' "$@" >"$body.codes" 2>/dev/null
	paste "$ids" "$body.codes" >"$body.found"
	while read -r id code; do
		if [ "$code" != 200 ] ||
		    ! grep -q "\"decision_id\":\"$id\"" "$body.$id"; then
			missing=$((missing + 1))
		fi
	done <"$body.found"
	[ $missing = 0 ]
}

# session SID BLOCKED: GET /decisions?session_id=SID has total 10 and
# GET /sessions/SID counts 10 decisions, BLOCKED of them blocked; $got
# says what was found.
session() {
	req GET "/decisions?session_id=$1&limit=1" >/dev/null
	t=$(field total)
	req GET "/sessions/$1" >/dev/null
	dc=$(field decision_count)
	bc=$(field blocked_count)
	got="$got $1: total=$t count=$dc blocked=$bc;"
	[ "$t" = 10 ] && [ "$dc" = 10 ] && [ "$bc" = "$2" ]
}

# sessions S1 S2...: each pair was posted by post_pair.
sessions() {
	got="" bad=0
	while [ $# -ge 2 ]; do
		session "$1" 5 || bad=1
		session "$2" 3 || bad=1
		shift 2
	done
	[ $bad = 0 ]
}

# log_mark: the activity log's length; since MARK: what came after.
log_mark() {
	wc -l <"$run/cavra-activity.log"
}
since() {
	tail -n +$(($1 + 1)) "$run/cavra-activity.log"
}

# worker_of MASTER: the pid of its one child.
worker_of() {
	pgrep -P "$1" | head -n 1
}

# crash: SIGKILLs the activity master and its worker, and waits until
# both are gone.
crash() {
	master=$(cat "$run/cavra-activity.pid")
	worker=$(worker_of "$master")
	[ -n "$worker" ] && kill -KILL "$master" && kill -KILL "$worker" &&
	    wait_for 20 gone "$master" && wait_for 20 gone "$worker"
}

# restarted MASTER OLD: the master has a worker other than OLD, and it
# answers.
restarted() {
	nw=$(worker_of "$1")
	[ -n "$nw" ] && [ "$nw" != "$2" ] && answers
}

# half KIND: the cases a to e with the stores of KIND, as TAP numbered
# from 1; returns 1 when one failed.
half() {
	kind=$1
	body=$tmp/$kind.body
	run=$tmp/$kind
	mkdir -p "$run"
	jb=$(journal_of $kind "$run")
	if ! stk $kind "$run" start; then
		echo "Bail out! $kind stack did not start: $(tail -n 5 "$run.stack.log")"
		return 1
	fi
	base="http://127.0.0.1:$(cat "$run/port")"
	p="jt$$-$kind"

	# a. SIGKILL the worker: its master's next worker replays.
	ids=$tmp/$kind-a.ids
	: >"$ids"
	post_pair "$p-a1" "$p-a2"
	ok $? "$kind: 20 decisions acknowledged"
	in_journal
	ok $? "$kind: the journal holds exactly them ($lines lines)"
	master=$(cat "$run/cavra-activity.pid")
	worker=$(worker_of "$master")
	mark=$(log_mark)
	[ -n "$worker" ] && kill -KILL "$worker" &&
	    wait_for 20 restarted "$master" "$worker"
	ok $? "$kind: worker $worker SIGKILLed; master $master started another"
	since "$mark" | grep -q "journal: 20 decisions stored, 0 were stored already"
	ok $? "$kind: the new worker stored the 20 journalled decisions"
	found
	ok $? "$kind: every decision is found after the crash ($missing missing)"
	sessions "$p-a1" "$p-a2"
	ok $? "$kind: session totals are exact after the crash:$got"
	journal_empty
	ok $? "$kind: the journal is empty again"

	# b. SIGKILL master and worker, then start the responders again.
	ids=$tmp/$kind-b.ids
	: >"$ids"
	post_pair "$p-b1" "$p-b2" && in_journal
	ok $? "$kind: 20 more decisions acknowledged and journalled"
	cp "$jb.0" "$tmp/$kind.saved.0" && cp "$jb.1" "$tmp/$kind.saved.1"
	mark=$(log_mark)
	crash && stk $kind "$run" restart && wait_for 20 answers
	ok $? "$kind: master and worker SIGKILLed; responders started again"
	since "$mark" | grep -q "journal: 20 decisions stored, 0 were stored already"
	ok $? "$kind: the new responder stored the 20 journalled decisions"
	found
	ok $? "$kind: every decision is found ($missing missing)"
	sessions "$p-a1" "$p-a2" "$p-b1" "$p-b2"
	ok $? "$kind: session totals are exact:$got"
	journal_empty
	ok $? "$kind: the journal is empty again"

	# b'. The same journal once more, as if a crash had come between
	# storing its decisions and emptying it: nothing is stored twice.
	master=$(cat "$run/cavra-activity.pid")
	mark=$(log_mark)
	kill -TERM "$master" && wait_for 20 gone "$master" &&
	    cp "$tmp/$kind.saved.0" "$jb.0" &&
	    cp "$tmp/$kind.saved.1" "$jb.1" &&
	    stk $kind "$run" restart && wait_for 20 answers &&
	    since "$mark" | grep -q "journal: 0 decisions stored, 20 were stored already"
	ok $? "$kind: a replayed journal of stored decisions stores none"
	sessions "$p-a1" "$p-a2" "$p-b1" "$p-b2"
	ok $? "$kind: session totals are still exact:$got"
	journal_empty
	ok $? "$kind: the journal is empty again"

	# c. SIGTERM (tests/stack restart): the stop stores what is queued.
	ids=$tmp/$kind-c.ids
	: >"$ids"
	post_pair "$p-c1" "$p-c2" && in_journal
	ok $? "$kind: 20 more decisions acknowledged and journalled"
	mark=$(log_mark)
	stk $kind "$run" restart && journal_empty &&
	    ! since "$mark" | grep -q "decisions stored"
	ok $? "$kind: restarted; the stop stored them, nothing was left to replay"
	found
	ok $? "$kind: every decision is found after the restart ($missing missing)"
	sessions "$p-a1" "$p-a2" "$p-b1" "$p-b2" "$p-c1" "$p-c2"
	ok $? "$kind: session totals are exact after the restart:$got"

	# e. A crash, then a start with two workers (direct mode): one of
	# them stores what the journal holds.
	ids=$tmp/$kind-e.ids
	: >"$ids"
	post_pair "$p-e1" "$p-e2" && in_journal
	ok $? "$kind: 20 more decisions acknowledged and journalled"
	mark=$(log_mark)
	crash && stk $kind "$run" restart CAVRA_WORKERS=2 &&
	    wait_for 20 answers &&
	    since "$mark" | grep -q "cavra-activity: 2 workers"
	ok $? "$kind: master and worker SIGKILLed; 2 workers started"
	since "$mark" | grep -q "journal: 20 decisions stored, 0 were stored already"
	ok $? "$kind: a worker in direct mode stored the 20 journalled decisions"
	found
	ok $? "$kind: every decision is found in direct mode ($missing missing)"
	sessions "$p-a1" "$p-a2" "$p-b1" "$p-b2" "$p-c1" "$p-c2" "$p-e1" "$p-e2"
	ok $? "$kind: session totals are exact in direct mode:$got"
	journal_empty
	ok $? "$kind: the journal is empty again"
	"$stack" stop "$run" >/dev/null 2>&1

	# d. Two workers: direct mode, no journal.
	run=$tmp/$kind-direct
	mkdir -p "$run"
	jb=$(journal_of $kind "$run")
	if ! stk $kind "$run" start CAVRA_WORKERS=2; then
		echo "Bail out! $kind stack with 2 workers did not start: $(tail -n 5 "$run.stack.log")"
		return 1
	fi
	base="http://127.0.0.1:$(cat "$run/port")"
	grep -q "cavra-activity: 2 workers" "$run/cavra-activity.log"
	ok $? "$kind: CAVRA_WORKERS=2 starts 2 activity workers"
	ids=$tmp/$kind-d.ids
	: >"$ids"
	post_pair "$p-d1" "$p-d2"
	ok $? "$kind: direct mode: 20 decisions acknowledged"
	found
	ok $? "$kind: direct mode: every decision is found ($missing missing)"
	sessions "$p-d1" "$p-d2"
	ok $? "$kind: direct mode: session totals are exact:$got"
	[ ! -e "$jb.0" ] && [ ! -e "$jb.1" ]
	ok $? "$kind: direct mode makes no journal"
	"$stack" stop "$run" >/dev/null 2>&1
	return $failed
}

# tap_of FILE: the TAP lines of a half, numbered on after those printed
# before them; other lines as they are.
tap_of() {
	while IFS= read -r l; do
		case "$l" in
		"ok "*)		ok 0 "${l#ok * - }" ;;
		"not ok "*)	ok 1 "${l#not ok * - }" ;;
		*)		echo "$l" ;;
		esac
	done <"$1"
}

(half json) >"$tmp/json.tap" 2>&1 &
json_pid=$!
(half sqlite) >"$tmp/sqlite.tap" 2>&1 &
sqlite_pid=$!
wait $json_pid || failed=1
wait $sqlite_pid || failed=1
run=""
tap_of "$tmp/json.tap"
tap_of "$tmp/sqlite.tap"

# A responder that crashed or leaked shows in its log (sanitizer builds).
! grep -l "ERROR: AddressSanitizer\|runtime error:\|LeakSanitizer" \
    "$tmp"/*/cavra-*.log >/dev/null 2>&1
ok $? "no sanitizer report in the responders' logs"
echo "1..$n"
