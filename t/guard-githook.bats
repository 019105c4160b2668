#!/usr/bin/env bats
# guard-githook, the front of guard-git's hooks: it links no libgit2 and
# becomes guard-git only when there is something to enforce (a running
# session in this repository, or an agent's marker). The attacker's side:
# every way to make the front skip guard-git while a session runs.

load helper
load git_project

setup() {
	setup_git_project
	# A front beside a stand-in guard-git that records how it was run.
	FAKE=$BATS_TEST_TMPDIR/fakebin
	mkdir -p "$FAKE"
	cp "$GUARD_BIN/guard-githook" "$FAKE/"
	cat >"$FAKE/guard-git" <<-EOS
	#!/bin/sh
	printf '%s\n' "\$@" >"$BATS_TEST_TMPDIR/full.args"
	cat >"$BATS_TEST_TMPDIR/full.stdin"
	exit 42
	EOS
	chmod +x "$FAKE/guard-git"
	A=$(git rev-parse HEAD)
	LINE="$(printf '%040d' 0) $A refs/heads/feature"
	export FAKE LINE
}

# front ARGS...: the front beside the stand-in, git's line on stdin.
front() {
	run bash -c 'printf "%s\n" "$LINE" | "$FAKE/guard-githook" "$@"' front "$@"
}

# became_full ARGS...: the stand-in ran with exactly these arguments and git's line untouched.
became_full() {
	[ "$status" -eq 42 ]
	[ "$(cat "$BATS_TEST_TMPDIR/full.args")" = "$(printf '%s\n' "$@")" ]
	[ "$(cat "$BATS_TEST_TMPDIR/full.stdin")" = "$LINE" ]
	rm -f "$BATS_TEST_TMPDIR/full.args"
}

stayed_front() {
	echo "$output"
	[ "$status" -eq 0 ]
	[ ! -e "$BATS_TEST_TMPDIR/full.args" ]
}

session() {
	run --separate-stderr guard-session start --task "${1:-t1}"
	echo "$stderr"
	[ "$status" -eq 0 ]
	export GUARD_SESSION=${output#export GUARD_SESSION=}
}

@test "install: the hooks exec guard-githook beside guard-git; --help; install --check is current" {
	guard-git install
	for h in reference-transaction pre-commit pre-push; do
		grep -qx "exec '$GUARD_BIN/guard-githook' hook --chain \"\$0\" $h \"\$@\"" .git/hooks/$h ||
			grep -qx "exec '$(cd "$GUARD_BIN" && pwd -P)/guard-githook' hook --chain \"\$0\" $h \"\$@\"" .git/hooks/$h
	done
	run guard-git install --check
	[ "$status" -eq 0 ]
	run guard-githook --help
	[ "$status" -eq 0 ]
	[[ $output == *"hook"* ]]
	run guard-githook hook --help
	[ "$status" -eq 0 ]
	[[ $output == *"--chain HOOK"* ]]
}

@test "no session, no marker: guard-git is not run, for every hook and state" {
	for args in "reference-transaction prepared" "reference-transaction committed" "pre-push origin url" "pre-commit"; do
		front hook --chain "$PROJ/.git/hooks/none" $args
		stayed_front
	done
}

@test "no session, no marker: the chained hook runs with git's arguments and input; its refusal stands" {
	printf '#!/bin/sh\necho "$@" >"%s/chained.args"\ncat >"%s/chained.stdin"\nexit ${CHAINED_EXIT:-0}\n' \
		"$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/h.guard-chained"
	chmod +x "$BATS_TEST_TMPDIR/h.guard-chained"
	front hook --chain "$BATS_TEST_TMPDIR/h" reference-transaction prepared
	stayed_front
	[ "$(cat "$BATS_TEST_TMPDIR/chained.args")" = prepared ]
	[ "$(cat "$BATS_TEST_TMPDIR/chained.stdin")" = "$LINE" ]
	CHAINED_EXIT=3 front hook --chain "$BATS_TEST_TMPDIR/h" reference-transaction aborted
	[ "$status" -eq 3 ]
	[ ! -e "$BATS_TEST_TMPDIR/full.args" ]
}

@test "an agent's marker makes it guard-git, same arguments, input untouched; CLAUDECODE=0 or empty does not" {
	for m in CLAUDECODE=1 GEMINI_CLI=1 GUARD_ACTOR=agent GUARD_ACTOR=ai; do
		env "$m" bash -c 'printf "%s\n" "$LINE" | "$FAKE/guard-githook" hook --chain /x/h reference-transaction prepared' &&
			status=0 || status=$?
		became_full hook --chain /x/h reference-transaction prepared
	done
	# a marker only adds: GUARD_ACTOR=person does not hide CLAUDECODE
	CLAUDECODE=1 GUARD_ACTOR=person front hook pre-commit
	[ "$status" -eq 42 ]
	rm "$BATS_TEST_TMPDIR/full.args"
	for m in CLAUDECODE=0 CLAUDECODE= GUARD_ACTOR=person; do
		env "$m" bash -c 'printf "%s\n" "$LINE" | "$FAKE/guard-githook" hook reference-transaction prepared' &&
			status=0 || status=$?
		stayed_front
	done
}

@test "a running session makes it guard-git whatever the environment says, from any folder of the repository" {
	session
	front hook --chain "$PROJ/.git/hooks/reference-transaction" reference-transaction prepared
	became_full hook --chain "$PROJ/.git/hooks/reference-transaction" reference-transaction prepared
	# no marker at all, an emptied environment, a subfolder, pre-commit and pre-push
	mkdir -p src/deep/er
	cd src/deep/er
	run env -i PATH="$PATH" LINE="$LINE" FAKE="$FAKE" CLAUDECODE=0 GUARD_ACTOR=person bash -c \
		'printf "%s\n" "$LINE" | "$FAKE/guard-githook" hook reference-transaction prepared'
	became_full hook reference-transaction prepared
	front hook pre-push origin url
	became_full hook pre-push origin url
	front hook pre-commit
	[ "$status" -eq 42 ]
	rm "$BATS_TEST_TMPDIR/full.args"
	# committed and aborted are never enforced: they stay in the front
	front hook reference-transaction committed
	stayed_front
}

@test "a session in a linked worktree's repository is found from the worktree; the real hook refuses main there" {
	guard-git install
	git worktree add -q "$BATS_TEST_TMPDIR/wt" -b side
	session
	cd "$BATS_TEST_TMPDIR/wt"
	front hook reference-transaction prepared
	became_full hook reference-transaction prepared
	run git branch -f main side
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"refused: "*"[branch.protected]"* ]]
}

@test "an ended session no longer sends it to guard-git" {
	session
	front hook reference-transaction prepared
	became_full hook reference-transaction prepared
	guard-session end >/dev/null 2>&1 || true
	git checkout -q main
	front hook reference-transaction prepared
	stayed_front
}

@test "sessions it cannot read send it to guard-git, which fails closed" {
	session
	state=$(git rev-parse --git-common-dir)/guard/sessions
	[ -d "$state" ]
	mv "$state" "$state.moved"
	printf 'not a folder\n' >"$state"
	front hook reference-transaction prepared
	became_full hook reference-transaction prepared
	# the real hook: the update is refused with the reason
	guard-git install
	run git branch another
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"guard-git"* ]]
	[ -z "$(git branch --list another)" ]
}

@test "with guard-git missing beside it, a session's ref update is refused, saying so" {
	session
	rm "$FAKE/guard-git"
	front hook reference-transaction prepared
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"guard-githook: cannot run '$FAKE/guard-git'"* ]]
	[[ $output == *"the ref update is refused"* ]]
}

@test "usage errors and unknown hooks are guard-git's to word" {
	front hook
	became_full hook
	front hook post-rewrite a b
	became_full hook post-rewrite a b
	run guard-githook hook post-rewrite
	[ "$status" -eq 2 ]
	[[ $output == *"unknown hook 'post-rewrite'"* ]]
	run guard-githook nosuchverb
	[ "$status" -eq 2 ]
}
