#!/usr/bin/env bats
# The build's own checks: private headers stay in their area, and the
# command tables (src/lib/risk/commands.txt) are checked when compiled.

load helper

setup() {
	REPO_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
}

@test "check-layers: no private header is included outside its area" {
	run sh "$REPO_ROOT/t/check-layers.sh"
	[ "$status" -eq 0 ]
	[[ $output == *"check-layers: ok"* ]]
}

@test "check-layers: a file that includes another area's private header fails, naming both" {
	cp -r "$REPO_ROOT/src" "$REPO_ROOT/t" "$BATS_TEST_TMPDIR/"
	printf '#include "guard_policy_internal.h"\n' >"$BATS_TEST_TMPDIR/src/lib/guard_session_x.c"
	run sh "$BATS_TEST_TMPDIR/t/check-layers.sh"
	[ "$status" -eq 1 ]
	[[ $output == *"src/lib/guard_session_x.c includes src/lib/guard_policy_internal.h, private to the policy area"* ]]
}

@test "the shipped command tables compile" {
	run awk -f "$REPO_ROOT/src/tools/risk_tables.awk" "$REPO_ROOT/src/lib/risk/commands.txt"
	[ "$status" -eq 0 ]
	[[ $output == *'{ "trap", EV_HARMLESS, SHAPE_SHELL_FIRST },'* ]]
	[[ $output == *'{ "cat", EV_READER, SHAPE_ANY },'* ]]
}

@test "the command tables refuse duplicates, unknown tables and shapes, dead entries, naming the line" {
	printf 'cat reader\n# a comment\ncat pattern\nfoo bogus\nx-noop devtool\necho harmless\nls reader any\nyes harmless loud\n' \
		>"$BATS_TEST_TMPDIR/bad.txt"
	run awk -f "$REPO_ROOT/src/tools/risk_tables.awk" "$BATS_TEST_TMPDIR/bad.txt"
	[ "$status" -eq 1 ]
	[[ $output == *"bad.txt:3: 'cat' is listed twice (first on line 1)"* ]]
	[[ $output == *"bad.txt:4: unknown table 'bogus'"* ]]
	[[ $output == *"bad.txt:5: dead entry 'x-noop'"* ]]
	[[ $output == *"bad.txt:6: harmless 'echo' needs a shape"* ]]
	[[ $output == *"bad.txt:7: only harmless entries take a shape"* ]]
	[[ $output == *"bad.txt:8: harmless 'yes' needs a shape"* ]]
}
