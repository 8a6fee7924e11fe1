#!/bin/sh
# TAP: conf/apache-cavra.conf answers as conf/nginx-cavra.conf does.  One
# stack of responders (tests/stack) behind both web servers: the API works
# through Apache, and the answers the web servers
# make themselves are the same through both: a responder that is not built
# or not running (503), a path of no one (404), a static file asked with a
# method other than GET or HEAD (405 with Allow), /metrics/NAME from
# loopback (the responder's text) and from elsewhere (403).
#
# Skipped when Apache is not installed (apt-get install apache2); it is
# started on a free loopback port with a configuration of its own, never
# as the system's service.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir
APACHE=${APACHE:-$(command -v apache2 || echo /usr/sbin/apache2)}
APACHE_MODULES=${APACHE_MODULES:-/usr/lib/apache2/modules}
if [ ! -x "$APACHE" ] || [ ! -f "$APACHE_MODULES/mod_proxy_fcgi.so" ]; then
	echo "1..0 # SKIP Apache 2.4 with mod_proxy_fcgi not installed"
	exit 0
fi
stack=$top_srcdir/tests/stack
tmp=$(mktemp -d)
chmod 0755 "$tmp"	# Apache's workers (www-data under root) reach run/
run=$tmp/run
trap '"$stack" stop "$run" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/tap.sh"

# shellcheck disable=SC2317
tap_diag() {
	for f in "$tmp"/out.* "$run"/apache-error.log; do
		[ -f "$f" ] || continue
		echo "# $f:"
		tail -n 5 "$f" | sed 's/^/#   /'
	done
}

# ask SERVER METHOD PATH [curl args]: the answer of SERVER (nginx or
# apache) in $tmp/out.SERVER as "STATUS CONTENT-TYPE" then the body.
ask() {
	srv=$1 m=$2 p=$3
	shift 3
	if [ "$srv" = nginx ]; then
		port=$(cat "$run/port")
	else
		port=$(cat "$run/apache.port")
	fi
	curl -s -o "$tmp/body" -w '%{http_code} %{content_type}\n' -X "$m" \
	    "$@" "http://127.0.0.1:$port$p" >"$tmp/out.$srv" 2>&1
	cat "$tmp/body" >>"$tmp/out.$srv" 2>/dev/null
	echo >>"$tmp/out.$srv"
}

# same METHOD PATH [curl args]: nginx and Apache answer alike (status, type
# and body, bar the final newline of nginx's bodies).
same() {
	ask nginx "$@"
	ask apache "$@"
	[ "$(cat "$tmp/out.nginx")" = "$(cat "$tmp/out.apache")" ]
}

# first_line SERVER: the status line of the last answer of SERVER.
first_line() {
	head -n 1 "$tmp/out.$1"
}

if ! "$stack" start "$run" >"$tmp/out.stack" 2>&1 ||
    ! "$stack" start-apache "$run" >>"$tmp/out.stack" 2>&1; then
	echo "Bail out! stack did not start: $(tail -n 3 "$tmp/out.stack")"
	exit 0
fi

ask apache GET /health
[ "$(first_line apache)" = "200 application/json" ]
ok $? "Apache: GET /health through cavra-console"
ask apache POST /decisions -H 'Content-Type: application/json' \
    -d '{"session_id":"s-apache","agent_id":"codex","action_type":"read_file","target":".env"}'
[ "$(first_line apache)" = "200 application/json" ] &&
    grep -q '"decision":"block"' "$tmp/out.apache"
ok $? "Apache: POST /decisions"
ask apache GET '/decisions?session_id=s-apache'
[ "$(first_line apache)" = "200 application/json" ] &&
    grep -q '"total":1' "$tmp/out.apache"
ok $? "Apache: GET /decisions finds it"

same GET /
[ "$(first_line apache)" = "200 text/html" ] ||
    [ "$(first_line apache)" = "200 text/html; charset=utf-8" ]
ok $? "GET / is the console"
for p in / /index.html /openapi.json; do
	same POST "$p" -d x
	ok $? "POST $p: the same answer"
	[ "$(first_line apache)" = "405 application/problem+json" ]
	ok $? "POST $p: 405 problem"
	curl -s -o /dev/null -D "$tmp/headers" -X POST -d x \
	    "http://127.0.0.1:$(cat "$run/apache.port")$p"
	grep -qi '^allow: GET, HEAD' "$tmp/headers"
	ok $? "POST $p: Allow: GET, HEAD through Apache"
done
same DELETE /index.html
ok $? "DELETE /index.html: the same 405"
same GET /no/such/path
[ "$(first_line apache)" = "404 application/problem+json" ]
ok $? "GET /no/such/path: the same 404 problem"
same DELETE /health
[ "$(first_line apache)" = "405 application/problem+json" ]
ok $? "DELETE /health: the responder's own 405, passed through"

# Families whose responder this build does not make.
for fam in aispm:/aispm/agent-blast-radius inventory:/repositories \
    integrations:/integrations approvals:/approvals evidence:/evidence \
    endpoints:/endpoint-inventory-freshness \
    runtime:/runtime/go-pilot/rollback-drill-notifications \
    sandbox:/api/sandbox/metrics; do
	name=${fam%%:*} p=${fam#*:}
	[ -x "$top_builddir/fcgi/cavra-$name" ] && continue
	same GET "$p"
	[ "$(first_line apache)" = "503 application/problem+json" ] &&
	    grep -qF "\"cavra-$name is not available in this build, or is not running\"" \
	    "$tmp/out.apache"
	ok $? "GET $p (cavra-$name not built): the same 503 problem"
done

same GET /metrics/console
[ "$(first_line apache)" = "200 text/plain; version=0.0.4; charset=utf-8" ] &&
    grep -q '^# TYPE ' "$tmp/out.apache"
ok $? "GET /metrics/console from loopback: GET /metrics of cavra-console"
same GET /metrics/console --interface 127.0.0.2
[ "$(first_line apache)" = "403 application/problem+json" ]
ok $? "GET /metrics/console from 127.0.0.2: the same 403 problem"
for p in /metrics/console/x /metrics/nosuch; do
	same GET "$p" --interface 127.0.0.2
	[ "$(first_line apache)" = "404 application/problem+json" ]
	ok $? "GET $p from 127.0.0.2: the same 404 problem"
done
same GET /health --interface 127.0.0.2
[ "$(first_line apache)" = "200 application/json" ]
ok $? "GET /health from 127.0.0.2: served"

"$stack" stop-one "$run" registry >"$tmp/out.stack" 2>&1
ok $? "cavra-registry stopped"
same GET /agents
[ "$(first_line apache)" = "503 application/problem+json" ] &&
    grep -qF '"cavra-registry is not available in this build, or is not running"' \
    "$tmp/out.apache"
ok $? "GET /agents (cavra-registry stopped): the same 503 problem"
same GET /metrics/registry
ok $? "GET /metrics/registry (cavra-registry stopped): the same 503 problem"

echo "1..$n"
exit 0
