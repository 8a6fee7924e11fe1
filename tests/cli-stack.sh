# Sourced (after set -u) by the shell tests that run cavra(1) against a
# stack of their own on loopback (tests/cli.sh, tests/hooks.sh,
# tests/ops.sh): the paths (top_srcdir, top_builddir, cavra, stack,
# NGINX), a temporary directory $tmp holding the stack's run directory
# $run (stopped at exit when started; $tmp removed unless a test
# failed), the TAP lines (tests/tap.sh) and the helpers below.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir
cavra=$top_builddir/cli/cavra
stack=$top_srcdir/tests/stack
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
export NGINX

tmp=$(mktemp -d)
run=$tmp/run
started=0
cleanup() {
	[ $started = 1 ] && "$stack" stop "$run" >/dev/null 2>&1
	if [ $failed = 0 ]; then
		rm -rf "$tmp"
	else
		echo "# files kept in $tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$top_srcdir/tests/tap.sh"

# cv ARGS...: runs cavra; its status in $rc, its output in $tmp/out and
# $tmp/err.
cv() {
	"$cavra" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

# has FILE TEXT: FILE holds TEXT (fixed string).
has() {
	grep -qF -- "$2" "$1"
}

# stack_start [VAR=VALUE...]: starts the stack in $run with those
# variables set; its status in $st (its log, as "# " lines, when it did
# not start) and its base URL in $url.
stack_start() {
	mkdir -p "$run"
	env "$@" "$stack" start "$run" >"$tmp/stack.log" 2>&1
	st=$?
	if [ $st = 0 ]; then
		started=1
	else
		sed 's/^/# /' "$tmp/stack.log"
	fi
	url="http://127.0.0.1:$(cat "$run/port" 2>/dev/null)"
}

# stack_stop: stops the stack in $run.
stack_stop() {
	"$stack" stop "$run" >/dev/null 2>&1
	started=0
}
