#!/bin/sh
# TAP: how a responder treats its FastCGI connections on a unix socket,
# talked to directly with tests/fcgi-client (no web server):
#  - a request is answered and the connection closed, cleanly;
#  - a connection the client asks to keep (FCGI_KEEP_CONN) carries several
#    requests;
#  - bytes the responder does not read do not turn its close into a reset;
#  - a body that ends before its CONTENT_LENGTH is a 400, not a request;
#  - a body too large to read is answered 413 and the connection still
#    ends cleanly (the responder reads what the client sends);
#  - a connection that sends nothing, or half a record header, is dropped
#    after the read timeout (CV_FCGI_READ_TIMEOUT_MS, 5 s), and the one
#    thread it held serves again;
#  - SIGTERM while the thread waits on a silent connection stops the
#    responder at once;
#  - a worker whose parent is killed (SIGKILL) stops;
#  - a responder whose stores are SQLite files maps no libpq (it is loaded
#    only for a PostgreSQL store).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
client=$top_builddir/tests/fcgi-client
console=$top_builddir/fcgi/cavra-console

tmp=$(mktemp -d)
pid=""
# stop_console: SIGTERM, and SIGKILL for its whole process group if it
# has not stopped within 5 s (a failure of the last test).
stop_console() {
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=""
}
cleanup() {
	stop_console
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$top_srcdir/tests/tap.sh"

# After a failure: what the client printed.
tap_diag() {
	sed 's/^/# /' "$tmp/out" "$tmp/err" 2>/dev/null
}

# One worker of one thread: a connection that holds it blocks every other.
sock=$tmp/console.sock
# In a process group of its own (setsid), so that all of it can be killed.
setsid "$console" -n 1 -s "$sock" 2>"$tmp/console.log" &
pid=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -S "$sock" ] || { echo "Bail out! cavra-console did not start"; exit 1; }

echo "1..15"

"$client" "$sock" get /health >"$tmp/out" 2>"$tmp/err"
ok $? "a request is answered and the connection ends cleanly"
printf 'Status: 200 OK\nclosed\n' | cmp -s - "$tmp/out"
ok $? "its status is 200 and the responder closes the connection"

"$client" "$sock" get /health 3 >"$tmp/out" 2>"$tmp/err" &&
    printf 'Status: 200 OK\nStatus: 200 OK\nStatus: 200 OK\nclosed\n' |
    cmp -s - "$tmp/out"
ok $? "a kept connection carries three requests, closed after the last"

"$client" "$sock" extra /health >"$tmp/out" 2>"$tmp/err" &&
    printf 'Status: 200 OK\nclosed\n' | cmp -s - "$tmp/out"
ok $? "64 KiB left unread by the responder: a clean close, not a reset"

"$client" "$sock" short /health >"$tmp/out" 2>"$tmp/err" &&
    grep -q '^Status: 400 ' "$tmp/out" &&
    grep -q '"detail":"request body ended after 10 of its 100 bytes' "$tmp/out"
ok $? "a body shorter than its CONTENT_LENGTH: 400 with a detail"

"$client" "$sock" big /health >"$tmp/out" 2>"$tmp/err" &&
    printf 'Status: 413 Content Too Large\nclosed\n' | cmp -s - "$tmp/out"
ok $? "2 MiB of body answered 413 before it is read: a clean close"

# The silent connection takes the only thread; a request sent meanwhile
# waits for the timeout, then is answered.
"$client" "$sock" silent >"$tmp/silent" 2>"$tmp/err" &
spid=$!
sleep 0.5
"$client" "$sock" get /health >"$tmp/out" 2>>"$tmp/err"
ok $? "a request sent while a silent connection holds the thread is answered"
wait $spid
ok $? "the silent connection is closed by the responder"
ms=$(cat "$tmp/silent")
cp "$tmp/silent" "$tmp/out"
[ "$ms" -ge 4000 ] && [ "$ms" -le 15000 ]
ok $? "after the read timeout (${ms} ms, 5000 expected)"

"$client" "$sock" partial >"$tmp/out" 2>"$tmp/err" &&
    [ "$(cat "$tmp/out")" -ge 4000 ] && [ "$(cat "$tmp/out")" -le 15000 ]
ok $? "half a record header and silence: dropped after the timeout"

"$client" "$sock" get /health >"$tmp/out" 2>"$tmp/err" &&
    kill -0 "$pid" 2>/dev/null
ok $? "the responder still answers"

"$client" "$sock" silent >/dev/null 2>&1 &
spid=$!
sleep 0.5
kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
! kill -0 "$pid" 2>/dev/null
ok $? "SIGTERM during a silent connection stops the responder (in $((i * 100)) ms)"
stop_console
# The client killed here exits 143: not the status of this script, whose
# results are its TAP lines.
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null || :

# alive PID: it exists and is not a zombie (an orphan's reaper may be slow).
alive() {
	case "$(ps -o stat= -p "$1" 2>/dev/null)" in
	""|Z*) return 1 ;;
	esac
	return 0
}
setsid "$console" -n 1 -s "$sock" 2>>"$tmp/console.log" &
pid=$!
i=0
while [ -z "$(pgrep -P "$pid")" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
w=$(pgrep -P "$pid")
kill -KILL "$pid"
wait "$pid" 2>/dev/null
pid=""
i=0
while [ -n "$w" ] && alive "$w" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -n "$w" ] && ! alive "$w"
ok $? "a worker whose parent is killed stops (in $((i * 100)) ms)"
[ -n "$w" ] && kill -KILL "$w" 2>/dev/null

# cavra-activity on a SQLite store, asked for a page of its decisions:
# neither its parent nor its worker maps libpq.
asock=$tmp/activity.sock
setsid env -u CAVRA_DATABASE_URL CAVRA_ACTIVITY_DB="$tmp/activity.db" \
    "$top_builddir/fcgi/cavra-activity" -n 1 -s "$asock" \
    2>>"$tmp/console.log" &
pid=$!
i=0
while [ ! -S "$asock" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
"$client" "$asock" get /decisions >"$tmp/out" 2>"$tmp/err" &&
    printf 'Status: 200 OK\nclosed\n' | cmp -s - "$tmp/out"
ok $? "cavra-activity on a SQLite store answers a page of decisions"
w=$(pgrep -P "$pid")
[ -n "$w" ] && [ -r "/proc/$w/maps" ] &&
    ! grep -q 'libpq' "/proc/$pid/maps" "/proc/$w/maps"
ok $? "neither its parent nor its worker maps libpq"
stop_console
