#!/bin/sh
# TAP: the console (www/) in Debian's Chromium, driven by playwright-core
# (tests/browser/console.mjs), against a stack of nginx and every
# responder of this build:
#  - it boots live with the shipped Content-Security-Policy (nginx and
#    Apache alike: scripts and styles from files only), and each
#    navigation entry is "not available" exactly when the build serves
#    none of its family's routes; an inline script or style is refused
#    and shows as a console error;
#  - the posture overview charts /aispm/posture;
#  - a sandbox run started in the page shows its 7 decisions, and its
#    evidence downloads;
#  - decisions filter by session and outcome, and open;
#  - a pending approval made through the API is approved in the page (the
#    API then has the actor and reason), and an API error shows its detail;
#  - an evidence artifact opens with the API's content;
#  - an agent, MCP server, repository, integration and policy rollout
#    are created through their forms and listed, an agent is updated
#    from its detail, and a validation error shows its detail and marks
#    its field;
#  - an SLA report's notification and a drill notification are
#    acknowledged, and a retry execution is approved, in the page (the
#    API then has them);
#  - every other view renders without an error, the navigation works from
#    the keyboard;
#  - with API access control on (a second stack), the console asks for a
#    token, keeps it in sessionStorage, finds its role (reader) and
#    offers it no forms or acts;
#  - www/ served alone (no API) is the demo: sample data and a banner,
#    forms that change the page's sample records.
# A console error or page error in the browser fails the test it happens
# in.  Screenshots of each view go to tests/browser-out/ of the build.
# Needs /usr/bin/chromium and tests/browser/node_modules (./bootstrap
# installs both: apt's chromium, `npm ci` in tests/browser).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir
stack=$top_srcdir/tests/stack
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
export NGINX

run=$top_builddir/tests/browser-run
out=$top_builddir/tests/browser-out

if [ ! -x /usr/bin/chromium ]; then
	echo "Bail out! no /usr/bin/chromium: ./bootstrap installs it (apt chromium)"
	exit 0
fi
if ! command -v node >/dev/null 2>&1 ||
    [ ! -d "$top_srcdir/tests/browser/node_modules/playwright-core" ]; then
	echo "Bail out! no node or no tests/browser/node_modules: ./bootstrap runs npm ci there"
	exit 0
fi

[ -d "$run" ] && "$stack" stop "$run" >/dev/null 2>&1
rm -rf "$run" "$out"
mkdir -p "$run" "$out"

# The stack of test_openapi_responses (every route can answer 200): an
# evidence artifact root (tests/data/artifacts), connectors and providers
# that point nowhere, the Go pilot's drill schedule.  The bundled packs
# from the source tree, a throw-away writable policy root.
export CAVRA_BUNDLED_POLICY_DIR="$top_srcdir/policies"
export CAVRA_POLICY_DIR="$run/policies"
set -a
. "$top_srcdir/tests/data/test_openapi_responses.env"
set +a
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

if ! "$stack" start "$run" >"$run/start.out" 2>&1; then
	echo "Bail out! stack did not start: $(cat "$run/start.out")"
	exit 0
fi
trap '"$stack" stop "$run" >/dev/null 2>&1' EXIT
trap 'exit 1' INT TERM

# A second stack with API access control on (cavra-access(7)): one
# static token of role reader.
token=browser-reader-$$-$(date +%s)
sum=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
printf '{"tokens": [{"name": "browser-reader", "sha256": "%s", "role": "reader"}]}\n' \
    "$sum" >"$run/access.json"
mkdir -p "$run/access"
if ! CAVRA_API_ACCESS_FILE="$run/access.json" \
    "$stack" start "$run/access" >"$run/access.start" 2>&1; then
	echo "Bail out! access-control stack did not start: $(cat "$run/access.start")"
	exit 0
fi
trap '"$stack" stop "$run" >/dev/null 2>&1; "$stack" stop "$run/access" >/dev/null 2>&1' EXIT

CAVRA_TEST_BASE="http://127.0.0.1:$(cat "$run/port")" \
CAVRA_TEST_ACCESS_BASE="http://127.0.0.1:$(cat "$run/access/port")" \
CAVRA_TEST_ACCESS_TOKEN="$token" \
CAVRA_TEST_WWW="$top_srcdir/www" CAVRA_TEST_OUT="$out" \
    node "$top_srcdir/tests/browser/console.mjs" >"$run/tap.out" 2>"$run/node.err"
rc=$?
cat "$run/tap.out"
if [ $rc -ne 0 ] || ! grep -q '^1\.\.' "$run/tap.out"; then
	echo "not ok 999 - the browser test did not finish (status $rc)"
	sed 's/^/# /' "$run/node.err"
fi
"$stack" stop "$run" >/dev/null 2>&1
"$stack" stop "$run/access" >/dev/null 2>&1
trap - EXIT
# A responder that crashed or leaked shows in its log (ASan).
if grep -l "ERROR: AddressSanitizer\|runtime error:\|LeakSanitizer" \
    "$run"/cavra-*.log "$run"/access/cavra-*.log >/dev/null 2>&1; then
	echo "not ok 1000 - responder sanitizer report in $run"
fi
exit 0
