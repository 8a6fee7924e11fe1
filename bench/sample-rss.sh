#!/bin/sh
# Samples the resident memory of a responder while bench/run.sh drives it:
# every 0.25 s, one line "TIME TOTAL PID:KiB...", VmRSS in KiB of every
# process whose command line holds /fcgi/NAME (parent and workers), and
# their sum.  Until killed.
#
#   bench/sample-rss.sh cavra-activity >/tmp/rss.txt &
#   ... bench/run.sh ...; kill %1
#   awk '$2 > 20000 { n++; if ($2 > 31250) over++; if ($2 > max) max = $2 }
#       END { print n, over, max }' /tmp/rss.txt
set -u
name=${1:?usage: sample-rss.sh RESPONDER}
while :; do
	t=$(date +%s.%N | cut -c1-14)
	line=
	total=0
	for p in $(pgrep -f "/fcgi/$name"); do
		kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$p/status" 2>/dev/null)
		[ -n "$kb" ] || continue
		total=$((total + kb))
		line="$line $p:$kb"
	done
	echo "$t $total$line"
	sleep 0.25
done
