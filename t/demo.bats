#!/usr/bin/env bats
# make demo: the main job on the built-in default policy, end to end.

load helper

setup() { setup_guard; }

@test "the demo runs the whole session and shows all three outcomes" {
	run env GUARD_BIN="$GUARD_BIN" sh "$REPO_ROOT/share/examples/demo.sh"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"22 calls:"* ]]
	# Everyday work passes; the sneaky and destructive calls do not.
	[[ "$output" =~ allow\ +Bash\ git\ status ]]
	[[ "$output" =~ deny\ +Read\ \.env ]]
	[[ "$output" =~ ask\ +Bash\ git\ push\ --force\ origin\ fix/parser ]]
	[[ "$output" =~ allow\ +Bash\ git\ push\ --force-with-lease ]]
	[[ "$output" =~ deny\ +Write\ \.ai/policy\.yaml ]]
	[[ "$output" =~ deny\ +Bash\ sed\ -i ]]
	[[ "$output" == *"decision: deny"* ]]
	! [[ "$output" == *" 0 allowed"* ]]
	! [[ "$output" == *" 0 asked"* ]]
	! [[ "$output" == *" 0 denied"* ]]
}

@test "the demo shows the audit log, a clean verify, then the edited line caught" {
	run env GUARD_BIN="$GUARD_BIN" sh "$REPO_ROOT/share/examples/demo.sh"
	[ "$status" -eq 0 ]
	[[ "$output" == *"The audit log"* ]]
	[[ "$output" =~ ok:\ 22\ records\ in\ 1\ file ]]
	[[ "$output" =~ decisions\ by\ effect ]]
	[[ "$output" =~ \.jsonl:[0-9]+:\ seq\ [0-9]+:\ hash\ mismatch ]]
}
