#!/bin/sh
# Builds and runs the libFuzzer targets of fuzz/ (see fuzz/README.md).
#
#   fuzz/build.sh                      build every target into fuzz/out/
#   fuzz/build.sh run SECONDS [T...]   build, then fuzz each target (or the
#                                      ones named: json request ...) for
#                                      SECONDS on a copy of its corpus
#
# The library is compiled from lib/*.c with clang and
# -fsanitize=fuzzer-no-link,address,undefined; config.h comes from a
# configured tree (the source tree, _build/, or $CAVRA_CONFIG_DIR).
# Crashes are written to fuzz/out/crash-<target>-*; new corpus entries
# stay in fuzz/out/corpus/<target>/ (fuzz/corpus/ is not touched).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/fuzz/out
CC=${CC:-clang}
case $CC in
*clang*) ;;
*) CC=clang ;;
esac
targets="json request yaml policy glob store_json journal jwt fcgi"

cfg=${CAVRA_CONFIG_DIR:-}
if [ -z "$cfg" ]; then
	for d in "$top" "$top/_build" "$top/_build-san"; do
		if [ -f "$d/config.h" ]; then
			cfg=$d
			break
		fi
	done
fi
if [ -z "$cfg" ] || [ ! -f "$cfg/config.h" ]; then
	echo "fuzz/build.sh: no config.h: run ./configure first" >&2
	exit 1
fi

pkgs="json-c yaml-0.1 sqlite3 libcrypto libcurl fcgi libpq"
cflags="-g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all -I$cfg -I$top/lib -I$top/fuzz \
 $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -lm"

build() {
	mkdir -p "$out/obj"
	objs=
	for src in "$top"/lib/*.c; do
		o=$out/obj/$(basename "$src" .c).o
		if [ ! -f "$o" ] || [ "$src" -nt "$o" ] ||
		    [ "$cfg/config.h" -nt "$o" ] ||
		    [ -n "$(find "$top/lib" -name '*.h' -newer "$o")" ]; then
			$CC $cflags -fsanitize=fuzzer-no-link,address,undefined \
			    -c "$src" -o "$o"
		fi
		objs="$objs $o"
	done
	for t in $targets; do
		bin=$out/fuzz_$t
		if [ -f "$bin" ] && [ -z "$(find "$top/fuzz/fuzz_$t.c" \
		    "$top/fuzz/fuzz.h" $objs -newer "$bin")" ]; then
			continue
		fi
		echo "fuzz/build.sh: fuzz_$t" >&2
		# Renamed into place: a running target keeps its binary.
		$CC $cflags -fsanitize=fuzzer,address,undefined \
		    -o "$bin.tmp.$$" "$top/fuzz/fuzz_$t.c" $objs $libs
		mv -f "$bin.tmp.$$" "$bin"
	done
}

run() {
	rc=0
	secs=$1
	shift
	[ $# -gt 0 ] && targets="$*"
	for t in $targets; do
		work=$out/corpus/$t
		mkdir -p "$work"
		cp -p "$top/fuzz/corpus/$t"/* "$work"/ 2>/dev/null || true
		dict=
		d=$t
		[ "$t" = policy ] && d=yaml
		[ -f "$top/fuzz/$d.dict" ] && dict="-dict=$top/fuzz/$d.dict"
		# The store and the catalog log a line per malformed file:
		# close the target's stderr (libFuzzer and the sanitizers
		# keep a copy of it for their reports).
		quiet=
		case $t in store_json|policy) quiet=-close_fd_mask=2 ;; esac
		echo "fuzz/build.sh: fuzzing $t for ${secs}s" >&2
		ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
		UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		    "$out/fuzz_$t" -max_total_time="$secs" -max_len=65536 \
		    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		    $quiet -artifact_prefix="$out/crash-$t-" \
		    $dict "$work" || { echo "fuzz/build.sh: $t failed" >&2; rc=1; }
	done
	return $rc
}

case ${1:-build} in
build)
	build ;;
run)
	[ $# -ge 2 ] || { echo "usage: $0 run SECONDS [target...]" >&2; exit 2; }
	shift
	build
	run "$@" ;;
*)
	echo "usage: $0 [build | run SECONDS [target...]]" >&2
	exit 2 ;;
esac
