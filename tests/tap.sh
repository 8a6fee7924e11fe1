# Sourced by the shell tests (tests/*.sh): their TAP lines.
# ok STATUS DESCRIPTION prints test number n as "ok" when STATUS is 0 and
# "not ok" otherwise; a failure sets failed=1 and then runs tap_diag, when
# the test defines that function, to print "# " lines that say why.
n=0
failed=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
		return 0
	fi
	echo "not ok $n - $2"
	failed=1
	if command -v tap_diag >/dev/null 2>&1; then
		tap_diag
	fi
	return 0
}
