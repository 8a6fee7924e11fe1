#!/bin/sh
# TAP: `make install DESTDIR=...` puts each file where README.md
# ("Deployment") says, and the installed deployment files name the
# directories the build was configured with: the systemd units, the web
# server sites, cavra.env.example and cavra-spawn (whose default log
# directory is /var/log/cavra), plus the sysusers.d and logrotate files.
# Checked for this build (a whole `make install`) and for a build
# configured here with other directories (`make install-data` and
# cavra-spawn: no compiling).  Nothing installed is run.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MAKE=${MAKE:-make}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/tap.sh"

# A make of its own, not a part of the `make check` that runs this test.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$MAKE" "$@"
}

# install_dirs BUILDDIR: the installation directories of that build, as NAME=VALUE
# lines, from its Makefile.
install_dirs() {
	# shellcheck disable=SC2016
	printf '%s\n' 'print-dirs:' \
	    '	@echo bindir=$(bindir)' \
	    '	@echo pkglibexecdir=$(pkglibexecdir)' \
	    '	@echo pkgdatadir=$(pkgdatadir)' \
	    '	@echo sysconfdir=$(sysconfdir)' \
	    '	@echo systemdsystemunitdir=$(systemdsystemunitdir)' \
	    '	@echo sysusersdir=$(sysusersdir)' \
	    '	@echo mandir=$(mandir)' |
	    mk -s -C "$1" -f Makefile -f - print-dirs
}

# has FILE TEXT: FILE holds the line TEXT (fixed string, whole line).
has() {
	grep -qxF -- "$2" "$1" 2>/dev/null
}

# check DEST BUILD LABEL [binaries]: the checks of one installation under
# DEST of build directory BUILD; with "binaries", the responders too.
check() {
	dest=$1 build=$2 label=$3 bins=${4:-}
	install_dirs "$build" >"$tmp/dirs" 2>&1
	ok $? "$label: installation directories read from the Makefile"
	bindir='' pkglibexecdir='' pkgdatadir='' sysconfdir=''
	systemdsystemunitdir='' sysusersdir='' mandir=''
	while IFS='=' read -r k v; do
		case $k in
		bindir) bindir=$v ;;
		pkglibexecdir) pkglibexecdir=$v ;;
		pkgdatadir) pkgdatadir=$v ;;
		sysconfdir) sysconfdir=$v ;;
		systemdsystemunitdir) systemdsystemunitdir=$v ;;
		sysusersdir) sysusersdir=$v ;;
		mandir) mandir=$v ;;
		esac
	done <"$tmp/dirs"

	if [ -n "$bins" ]; then
		missing=
		for b in "$build"/fcgi/cavra-*; do
			case $b in *.o | *.c) continue ;; esac
			[ -x "$b" ] || continue
			[ -x "$dest$pkglibexecdir/${b##*/}" ] ||
			    missing="$missing ${b##*/}"
		done
		[ -z "$missing" ] && [ -x "$dest$pkglibexecdir/cavra-console" ]
		ok $? "$label: responders in $pkglibexecdir${missing:+ (missing:$missing)}"
	fi

	[ -f "$dest$pkgdatadir/www/index.html" ] &&
	    [ -f "$dest$pkgdatadir/www/openapi.json" ]
	ok $? "$label: console and openapi.json in $pkgdatadir/www"
	npacks=$(find "$dest$pkgdatadir/policies" -name policy.yaml 2>/dev/null |
	    wc -l)
	[ "$npacks" -gt 0 ]
	ok $? "$label: $npacks policy packs in $pkgdatadir/policies"

	for f in nginx-cavra.conf apache-cavra.conf cavra.env.example; do
		[ -f "$dest$sysconfdir/cavra/$f" ]
		ok $? "$label: $sysconfdir/cavra/$f"
	done
	for p in man8/cavra-fcgi.8 man8/cavra-spawn.8 man5/cavra-policy.5; do
		[ -f "$dest$mandir/$p" ]
		ok $? "$label: $mandir/$p"
	done

	# The units, with the configured paths.
	svc=$dest$systemdsystemunitdir/cavra@.service
	sock=$dest$systemdsystemunitdir/cavra@.socket
	[ -f "$sock" ] && ! grep -q '@[a-z]*@' "$sock" &&
	    grep -qF "$pkglibexecdir/cavra-" "$sock" &&
	    has "$sock" "ListenStream=/run/cavra/%i.sock"
	ok $? "$label: $systemdsystemunitdir/cavra@.socket names $pkglibexecdir"
	has "$svc" "ExecStart=$pkglibexecdir/cavra-%i"
	ok $? "$label: cavra@.service runs $pkglibexecdir/cavra-%i"
	has "$svc" "EnvironmentFile=-$sysconfdir/cavra/cavra.env"
	ok $? "$label: cavra@.service reads $sysconfdir/cavra/cavra.env"
	grep -qF "systemd-sysusers $sysusersdir/cavra.conf" "$svc" &&
	    ! grep -q '@[a-z]*@' "$svc"
	ok $? "$label: cavra@.service names the sysusers file, nothing left to substitute"
	tr -s ' \n#' '   ' <"$svc" | grep -qF "$workers worker processes, except cavra-activity, which runs 1 process of $threads request threads"
	ok $? "$label: cavra@.service says the worker default of lib/cv_limits.h ($workers; cavra-activity 1 x $threads)"

	# The user, and the logs of cavra-spawn.
	grep -qE '^u[[:space:]]+cavra[[:space:]]' "$dest$sysusersdir/cavra.conf"
	ok $? "$label: $sysusersdir/cavra.conf creates the user cavra"
	lr=$dest$sysconfdir/logrotate.d/cavra
	grep -qF '/var/log/cavra/*.log {' "$lr" &&
	    grep -qE '^[[:space:]]+copytruncate$' "$lr"
	ok $? "$label: $sysconfdir/logrotate.d/cavra rotates /var/log/cavra/*.log with copytruncate"

	spawn=$dest$bindir/cavra-spawn
	[ -x "$spawn" ] && sh -n "$spawn" && ! grep -q '@[a-z]*@' "$spawn"
	ok $? "$label: $bindir/cavra-spawn, a shell script with nothing left to substitute"
	has "$spawn" "libexecdir=$pkglibexecdir"
	ok $? "$label: cavra-spawn looks for the responders in $pkglibexecdir"
	has "$spawn" "logdir=/var/log/cavra"
	ok $? "$label: cavra-spawn logs to /var/log/cavra by default"
	tr -s ' \n#' '   ' <"$spawn" | grep -qF "$workers, or 1 process of $threads request threads for cavra-activity"
	ok $? "$label: cavra-spawn says the worker default of lib/cv_limits.h"

	# The sites and the environment example.
	has "$dest$sysconfdir/cavra/nginx-cavra.conf" \
	    "	root $pkgdatadir/www;"
	ok $? "$label: the nginx site serves $pkgdatadir/www"
	has "$dest$sysconfdir/cavra/apache-cavra.conf" \
	    "	DocumentRoot \"$pkgdatadir/www\""
	ok $? "$label: the Apache site serves $pkgdatadir/www"
	grep -qF "$sysconfdir/cavra/cavra.env " \
	    "$dest$sysconfdir/cavra/cavra.env.example" &&
	    grep -qF "$pkgdatadir/policies" \
	    "$dest$sysconfdir/cavra/cavra.env.example"
	ok $? "$label: cavra.env.example names $sysconfdir/cavra/cavra.env and $pkgdatadir/policies"
}

# shellcheck disable=SC2317
tap_diag() {
	for f in "$tmp"/*.log "$tmp/dirs"; do
		[ -f "$f" ] || continue
		echo "# $f:"
		tail -n 5 "$f" | sed 's/^/#   /'
	done
}

# The worker defaults the texts must state.
workers=$(sed -n 's/^#define CV_WORKERS_DEFAULT[[:space:]]*\([0-9]*\).*/\1/p' \
    "$top_srcdir/lib/cv_limits.h")
threads=$(sed -n 's/^#define CV_ACTIVITY_THREADS[[:space:]]*\([0-9]*\).*/\1/p' \
    "$top_srcdir/lib/cv_limits.h")
[ -n "$workers" ] && [ -n "$threads" ]
ok $? "worker defaults in lib/cv_limits.h: $workers workers, cavra-activity $threads threads"

mk -C "$top_builddir" install DESTDIR="$tmp/this" >"$tmp/install.log" 2>&1
ok $? "make install DESTDIR=... of this build"
check "$tmp/this" "$top_builddir" "this build" binaries
rm -f "$tmp/install.log"

# Another build, configured with a directory of its own for each kind of
# file, so that a path left unsubstituted (or substituted with another
# directory's value) shows.
other=$tmp/other
mkdir -p "$other"
if [ -f "$top_srcdir/config.status" ]; then
	# configure refuses a second build of a source tree configured in
	# place.
	n=$((n + 1))
	echo "ok $n # SKIP another build: $top_srcdir is configured in place"
	echo "1..$n"
	exit 0
fi
(cd "$other" && "$top_srcdir/configure" -q --prefix=/opt/cv \
    --sysconfdir=/etc/cv-etc --libexecdir=/usr/lib/cv-libexec \
    --datadir=/srv/cv-data --mandir=/srv/cv-man \
    --with-systemdsystemunitdir=/lib/cv-units) >"$tmp/configure.log" 2>&1 &&
    mk -s -C "$other" install-data install-nodist_binSCRIPTS \
    DESTDIR="$tmp/odest" >"$tmp/install.log" 2>&1
ok $? "another build (--prefix=/opt/cv and other directories): make install-data DESTDIR=..."
check "$tmp/odest" "$other" "other build"
stray=$(grep -lE '/usr/local/(bin|etc|libexec|share)' \
    "$tmp/odest/lib/cv-units/"cavra@.* \
    "$tmp/odest/etc/cv-etc/cavra/"* "$tmp/odest/opt/cv/bin/cavra-spawn" \
    2>/dev/null)
[ -z "$stray" ]
ok $? "other build: no directory of the default prefix left in the deployment files${stray:+ ($stray)}"
echo "1..$n"
exit 0
