#!/bin/sh
# make test-stress: the suites (t/run.sh) three times with two busy loops
# beside them, the load of a shared CI machine on the tests that wait for
# something (issue 19). The plain pass only unless GUARD_PASSES says
# otherwise ("plain san" for both, after make san); GUARD_STRESS_ROUNDS
# changes the count. Ends with "N passed, N failed" over all rounds.
cd "$(dirname "$0")/.." || exit 2
rounds=${GUARD_STRESS_ROUNDS:-3}
passes=${GUARD_PASSES:-plain}
log=$(mktemp)
busy= run=
# The busy loops die with the script, however it ends, and so does a round
# under way (its own process group: t/run.sh, bats and the tests).
trap '[ -z "$run" ] || kill -TERM -"$run" 2>/dev/null
      for p in $busy; do kill "$p" 2>/dev/null; done; rm -f "$log"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
for _ in 1 2; do
	sh -c 'while :; do :; done' </dev/null >/dev/null 2>&1 &
	busy="$busy $!"
done
passed=0; failed=0
for r in $(seq "$rounds"); do
	echo "== stress round $r of $rounds ($passes), busy loops:$busy" >&2
	start=$(date +%s)
	# in the background, so a signal is handled at once and not after it
	GUARD_PASSES=$passes setsid sh t/run.sh >"$log" 2>&1 &
	run=$!
	wait "$run"
	run=
	grep -v -e '^[0-9]* passed, [0-9]* failed$' -e '^== ' "$log"
	set -- $(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$log" | tail -n 1)
	if [ $# -ne 2 ]; then
		echo "stress round $r: t/run.sh ended without a count" >&2
		set -- 0 1
	fi
	passed=$((passed + $1)); failed=$((failed + $2))
	echo "== stress round $r: $1 passed, $2 failed in $(($(date +%s) - start)) s" >&2
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
