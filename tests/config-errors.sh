#!/bin/sh
# TAP: a responder started with a broken configuration says what is wrong
# in one line on stderr and exits 78; a good one starts, and SIGTERM stops
# it with status 0 and removes its socket.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
bin=$top_builddir/fcgi/cavra-console
act=$top_builddir/fcgi/cavra-activity
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/tap.sh"

# expect_config_error DESCRIPTION WORD ENV... -- BINARY
expect_config_error() {
	desc=$1 word=$2
	shift 2
	env "$@" -s "$tmp/x.sock" >"$tmp/out" 2>"$tmp/err" </dev/null &
	pid=$!
	( sleep 10; kill -KILL $pid 2>/dev/null ) &
	guard=$!
	wait $pid
	rc=$?
	kill $guard 2>/dev/null
	lines=$(wc -l <"$tmp/err")
	[ "$rc" = 78 ] && [ "$lines" = 1 ] && grep -q -- "$word" "$tmp/err"
	ok $? "$desc (exit $rc, $lines line(s): $(cat "$tmp/err"))"
}

echo "1..22"
printf '{"issuer": "x",' >"$tmp/bad.json"
printf -- '- a\n- b\n' >"$tmp/list.yaml"
printf 'issuer: x\naudience: [a, b\n' >"$tmp/bad.yaml"
printf '{"issuer":"https://idp.example","audience":"cavra"}' >"$tmp/nojwks.json"
printf '{"issuer":"https://idp.example","audience":"cavra","jwks":{"keys":[]}}' >"$tmp/good.json"
printf 'group_mappings:\n  eng: Engineering\nrepository_permissions:\n  - repository: payments/api\n    groups: [Engineering]\n' >"$tmp/good.yaml"

expect_config_error "missing connector config" CAVRA_CONNECTOR_CONFIG \
	CAVRA_CONNECTOR_CONFIG="$tmp/none.json" "$bin"
expect_config_error "malformed JSON OIDC config" "malformed JSON" \
	CAVRA_APPROVAL_OIDC_CONFIG="$tmp/bad.json" "$bin"
expect_config_error "OIDC config without a JWKS" jwks \
	CAVRA_APPROVAL_OIDC_CONFIG="$tmp/nojwks.json" "$bin"
expect_config_error "YAML RBAC file that is a list" mapping \
	CAVRA_APPROVAL_RBAC_FILE="$tmp/list.yaml" "$bin"
expect_config_error "malformed YAML routing file" CAVRA_APPROVAL_ROUTING_FILE \
	CAVRA_APPROVAL_ROUTING_FILE="$tmp/bad.yaml" "$bin"
expect_config_error "artifact root that is not a directory" \
	CAVRA_EVIDENCE_ARTIFACT_ROOT \
	CAVRA_EVIDENCE_ARTIFACT_ROOT="$tmp/good.json" "$bin"
expect_config_error "bad CAVRA_WORKERS" CAVRA_WORKERS CAVRA_WORKERS=lots "$bin"
expect_config_error "policy layers without the default pack" \
	cavra-ai-agent-baseline CAVRA_POLICY_DIR="$tmp" \
	CAVRA_BUNDLED_POLICY_DIR="$tmp" "$act"
expect_config_error "bad CAVRA_THREADS" CAVRA_THREADS CAVRA_THREADS=0 "$act"
expect_config_error "cavra-sandbox: policy layers without the default pack" \
	cavra-ai-agent-baseline CAVRA_POLICY_DIR="$tmp" \
	CAVRA_BUNDLED_POLICY_DIR="$tmp" "$top_builddir/fcgi/cavra-sandbox"
expect_config_error "CAVRA_JOURNAL_DELAY_MS that is not a number" \
	CAVRA_JOURNAL_DELAY_MS CAVRA_JOURNAL_DELAY_MS=abc "$act"
expect_config_error "CAVRA_JOURNAL_DELAY_MS past 60000" CAVRA_JOURNAL_DELAY_MS \
	CAVRA_JOURNAL_DELAY_MS=60001 "$act"
expect_config_error "negative CAVRA_JOURNAL_DELAY_MS" CAVRA_JOURNAL_DELAY_MS \
	CAVRA_JOURNAL_DELAY_MS=-1 "$act"
expect_config_error "CAVRA_SQLITE_CACHE_MIB that is not a number" \
	CAVRA_SQLITE_CACHE_MIB CAVRA_SQLITE_CACHE_MIB=8M "$bin"
expect_config_error "CAVRA_SQLITE_CACHE_MIB of 0" CAVRA_SQLITE_CACHE_MIB \
	CAVRA_SQLITE_CACHE_MIB=0 "$act"
expect_config_error "-t on a single-threaded responder" "one thread" \
	"$bin" -t 4

# A good configuration starts; SIGTERM stops it cleanly.
CAVRA_APPROVAL_OIDC_CONFIG="$tmp/good.json" \
CAVRA_APPROVAL_RBAC_FILE="$tmp/good.yaml" \
	"$bin" -s "$tmp/good.sock" 2>"$tmp/err" </dev/null &
pid=$!
i=0
while [ ! -S "$tmp/good.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$tmp/good.sock" ]
ok $? "good JSON and YAML configuration starts"
kill -TERM $pid
wait $pid
rc=$?
ok "$rc" "SIGTERM stops it with status 0 (got $rc)"
[ ! -e "$tmp/good.sock" ]
ok $? "its socket is removed"

# The threaded responder (cavra-activity) stops as cleanly: every request
# thread leaves accept(2) and the worker exits.
CAVRA_POLICY_DIR="$top_srcdir/policies" CAVRA_ACTIVITY_STORE="$tmp/activity.json" \
	CAVRA_REGISTRY_STORE="$tmp/registry.json" \
	"$act" -s "$tmp/act.sock" -t 8 2>"$tmp/act.err" </dev/null &
pid=$!
i=0
while [ ! -S "$tmp/act.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$tmp/act.sock" ] && grep -q "1 workers x 8 threads" "$tmp/act.err"
ok $? "cavra-activity starts 1 worker of 8 threads ($(head -c 200 "$tmp/act.err"))"
kill -TERM $pid
wait $pid
rc=$?
ok "$rc" "SIGTERM stops cavra-activity with status 0 (got $rc)"
[ ! -e "$tmp/act.sock" ] && ! pgrep -f "$tmp/act.sock" >/dev/null
ok $? "its socket is removed and no worker is left"
