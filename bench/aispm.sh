#!/usr/bin/env bash
# Latency and memory of the AISPM builders against a large SQLite
# activity store (issue 12).
#
#   bench/aispm.sh BUILDDIR [N...]
#
# For each N (default: 10000 100000 1000000) it seeds N decisions with
# bench/cavra-seed (or copies them from $SEED_CACHE/seed-N-sqlite, the
# cache bench/run.sh keeps), starts a stack (tests/stack) over them, asks
# each path of PATHS REQS times, one request at a time, with curl, and
# prints one Markdown row per path: the median and the slowest time, the
# answer's size, and the largest RSS of a cavra-aispm process afterwards.
# AISPM answers are bounded by their limit (at most 500 decisions are
# read), so neither the time nor the memory should follow N.
#
# Environment: REQS [7], PATHS (space-separated)
# ["/aispm/posture /aispm/findings /aispm/posture?limit=500
#   /aispm/findings?limit=500"], SEED_CACHE [unset].
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: bench/aispm.sh BUILDDIR [N...]" >&2; exit 2; }
builddir=$(cd "$1" && pwd)
shift
sizes=${*:-10000 100000 1000000}
REQS=${REQS:-7}
PATHS=${PATHS:-/aispm/posture /aispm/findings /aispm/posture?limit=500 /aispm/findings?limit=500}
export top_srcdir=$srcdir top_builddir=$builddir
export CAVRA_BUNDLED_POLICY_DIR=$srcdir/policies

tmp=$(mktemp -d)
trap '"$srcdir/tests/stack" stop "$tmp/run" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

echo "| decisions | path | median ms | max ms | bytes | cavra-aispm RSS MiB |"
echo "|---|---|---|---|---|---|"
for n in $sizes; do
	rm -rf "$tmp/run" "$tmp/work" "$tmp/activity.db"
	mkdir -p "$tmp/run" "$tmp/work"
	if [ -n "${SEED_CACHE:-}" ] && [ -f "$SEED_CACHE/seed-$n-sqlite/activity.db" ]; then
		cp "$SEED_CACHE/seed-$n-sqlite/activity.db" "$tmp/activity.db"
	else
		(cd "$tmp/work" && CAVRA_ACTIVITY_DB=$tmp/activity.db \
			"$builddir/bench/cavra-seed" "$n" >/dev/null 2>&1)
	fi
	CAVRA_ACTIVITY_DB=$tmp/activity.db CAVRA_POLICY_DIR=$tmp/policies \
		"$srcdir/tests/stack" start "$tmp/run" >"$tmp/start.log" 2>&1
	port=$(cat "$tmp/run/port")
	for p in $PATHS; do
		times=()
		for _ in $(seq "$REQS"); do
			out=$(curl -s -o /dev/null -w '%{http_code} %{time_total} %{size_download}' \
				"http://127.0.0.1:$port$p")
			read -r code t bytes <<<"$out"
			[ "$code" = 200 ] || { echo "$p: HTTP $code" >&2; exit 1; }
			times+=("$t")
		done
		sorted=$(printf '%s\n' "${times[@]}" | sort -g)
		med=$(echo "$sorted" | sed -n "$(( (REQS + 1) / 2 ))p")
		max=$(echo "$sorted" | tail -1)
		rss=$(ps -eo rss=,args= | awk -v s="$tmp/run/aispm.sock" \
			'index($0, "cavra-aispm") && index($0, s) { print $1 }' |
			sort -n | tail -1)
		awk -v n="$n" -v p="$p" -v med="$med" -v max="$max" \
			-v b="$bytes" -v rss="${rss:-0}" 'BEGIN {
			printf "| %s | `%s` | %.1f | %.1f | %s | %.1f |\n",
			    n, p, med * 1000, max * 1000, b, rss / 1024 }' 
	done
	"$srcdir/tests/stack" stop "$tmp/run" >/dev/null 2>&1
done
