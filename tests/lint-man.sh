#!/bin/sh
#
# lint-man.sh: check every manual page under man/ with mandoc -Tlint and
# report one TAP test per page.  A page passes when mandoc prints nothing.
#
# mandoc checks each .Xr against the installed manuals only, so a reference
# from one of our pages to another (cavra-fcgi(8) -> cavra-policy(5)) is
# "not found" until they are installed.  Such a message is dropped when the
# page it names exists in man/; a reference to anything else must resolve.
#
# Environment: MANDOC (default mandoc), top_srcdir (default the parent of
# this script's directory).  Exits 0 whatever the result, so that TAP alone
# decides; without mandoc the whole plan is skipped.  mandoc's complaint that
# the system's mandoc.db is outdated is about the machine, not the page, and
# is ignored.

set -eu

MANDOC=${MANDOC:-mandoc}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
mandir=$top_srcdir/man

if ! command -v "$MANDOC" >/dev/null 2>&1; then
	echo "1..0 # SKIP mandoc not installed"
	exit 0
fi

# Print mandoc's complaints about page $1, less those about references to
# pages of ours.
lint()
{
	"$MANDOC" -Tlint "$1" 2>&1 | while IFS= read -r line; do
		case $line in
		*"outdated mandoc.db lacks"*)
			# About this machine's manual database, not the page.
			continue
			;;
		*"referenced manual not found: Xr "*)
			xr=${line#*referenced manual not found: Xr }
			name=${xr%% *}
			sec=${xr#* }
			sec=${sec%% *}
			if [ -f "$mandir/$name.$sec" ]; then
				continue
			fi
			;;
		esac
		printf '%s\n' "$line"
	done
}

set --
for page in "$mandir"/*.[1-8]; do
	if [ -f "$page" ]; then
		set -- "$@" "$page"
	fi
done

if [ "$#" -eq 0 ]; then
	echo "1..0 # SKIP no manual pages in $mandir"
	exit 0
fi

echo "1..$#"
i=0
for page in "$@"; do
	i=$((i + 1))
	rel=man/${page##*/}
	out=$(lint "$page")
	if [ -z "$out" ]; then
		echo "ok $i - $rel"
	else
		echo "not ok $i - $rel"
		printf '%s\n' "$out" | sed 's/^/# /'
	fi
done
exit 0
