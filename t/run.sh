#!/bin/sh
# Run every unit test and bats file, in each pass (plain, then under
# ASan+UBSan), count TAP results and end with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
passes=${GUARD_PASSES:-"plain san"}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0; failed=0

count() { # pass-name, then TAP on stdin
	while IFS= read -r line; do
		case "$line" in
		"ok "*) passed=$((passed + 1)) ;;
		"not ok "*) failed=$((failed + 1)); echo "FAIL [$1] $line" ;;
		"#"*) [ -n "$fail_ctx" ] && echo "$line" ;;
		esac
		case "$line" in "not ok "*) fail_ctx=1 ;; "ok "*) fail_ctx= ;; esac
	done
	echo "$passed $failed" >"$log"
}

for pass in $passes; do
	case $pass in
	plain) build=build; bin=$PWD/bin ;;
	san) build=build/san; bin=$PWD/build/san/bin
	     export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
	     export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ;;
	esac
	echo "== $pass: unit tests" >&2
	for u in "$build"/unit/test_*; do
		[ -x "$u" ] || continue
		{ "$u" 2>&1 || echo "not ok - $(basename "$u") exited $?"; } | count "$pass"
		read -r passed failed <"$log"
	done
	echo "== $pass: bats" >&2
	GUARD_BIN=$bin GUARD_PASS=$pass bats --tap t/*.bats 2>&1 | count "$pass"
	read -r passed failed <"$log"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
