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
	# approval: a signed decision lets the retried call pass once, a replay is refused
	[[ "$output" =~ approved\ by\ alice@example.com\ \(signed\) ]]
	[[ "$output" =~ allow\ +guard:\ approved\ by\ alice@example.com ]]
	[[ "$output" =~ single-use\)\:.*$'\n'\ +deny\ +guard:\ approval\ required ]]
	[[ "$output" == *"1 signed and verified"* ]]
	[[ "$output" != *" 0 allowed"* ]]
	[[ "$output" != *" 0 asked"* ]]
	[[ "$output" != *" 0 denied"* ]]
}

@test "the demo's unattended run trips a limit, leaves a PR body, and the briefing lists the deferred plan" {
	run env GUARD_BIN="$GUARD_BIN" sh "$REPO_ROOT/share/examples/demo.sh"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"continue":false'*"3 files created, over the limit of 2"* ]]
	[[ "$output" == *"run exit status: 1"* ]]
	[[ "$output" == *"gh pr create --base main --head ai/nightbuilder/"* ]]
	[[ "$output" == *"## Summary"* ]]
	[[ "$output" == *"## [보류] "*" - cache layer"* ]]
	[[ "$output" == *"choices: revise, proceed, keep, discard"* ]]
}

@test "the demo shows the audit log, a clean verify, then the edited line caught" {
	run env GUARD_BIN="$GUARD_BIN" sh "$REPO_ROOT/share/examples/demo.sh"
	[ "$status" -eq 0 ]
	[[ "$output" == *"The audit log"* ]]
	[[ "$output" =~ ok:\ [0-9]+\ records\ in\ 1\ file ]]
	[[ "$output" =~ decisions\ by\ effect ]]
	[[ "$output" =~ \.jsonl:[0-9]+:\ seq\ [0-9]+:\ hash\ mismatch ]]
}
