#!/usr/bin/env bats
# guard's own files brought back by git while an agent acts (issue 11,
# share/doc/trust.md section 5): a commit made by hand over an older
# .ai/policy.yaml, taken in by any history move, is refused by the
# reference-transaction hook and what git wrote is put back; a branch
# switch to it is undone by post-checkout. A person's moves are not.

load helper
load git_project

setup() {
	setup_git_project
	mkdir -p .ai
	printf 'version: 1\n# loose\n' >.ai/policy.yaml
	git add .ai/policy.yaml && git commit -qm 'loose policy'
	LOOSE=$(git rev-parse HEAD)
	printf 'version: 1\n# strict\n' >.ai/policy.yaml
	git commit -qam 'strict policy'
	STRICT=$(git rev-parse HEAD)
	git checkout -q -b feature/agent
	echo work >>src/main.c && git commit -qam 'agent work'
	guard-git install >/dev/null
	# the attacker's commit: the loose policy over the branch's tree, made by hand
	blob=$(git rev-parse "$LOOSE:.ai/policy.yaml")
	tree=$( (git ls-tree HEAD | grep -v '	.ai$'; printf '040000 tree %s\t.ai\n' \
		"$(printf '100644 blob %s\tpolicy.yaml\n' "$blob" | git mktree)") | git mktree)
	EVIL=$(git commit-tree "$tree" -p HEAD -m 'tidy')
	export LOOSE STRICT EVIL
}

# past_change FILE: the clock is two scheduler ticks past FILE's last change (git's start time, read
# from /proc in ticks, then tells a person's edit made before the command from what git wrote).
past_change() {
	local ct
	ct=$(date -d "$(stat -c %z "$1")" +%s%N)
	[ "$(date +%s%N)" -gt $((ct + 20000000)) ]
}

strict_kept() {
	grep -qx '# strict' .ai/policy.yaml
}

# The worktree and HEAD as they were: the strict policy, HEAD at $1.
unmoved() {
	strict_kept
	[ "$(git rev-parse HEAD)" = "$1" ]
}

@test "attacker: cherry-pick of a hand-made commit bringing the old policy is refused, the file put back" {
	here=$(git rev-parse HEAD)
	CLAUDECODE=1 refused state.git git cherry-pick "$EVIL"
	[[ $output == *".ai/policy.yaml (put back)"* ]]
	[[ $output == *"CLAUDECODE is set"* ]]
	unmoved "$here"
	# the index still holds what git staged: a commit of it is refused in turn
	CLAUDECODE=1 refused state.git git commit -qm again
	unmoved "$here"
}

@test "attacker: merge --ff-only, reset --hard, pull . X and update-ref to it are refused" {
	here=$(git rev-parse HEAD)
	git branch evil "$EVIL"
	export CLAUDECODE=1
	refused state.git git merge -q --ff-only evil
	unmoved "$here"
	git reset -q --hard "$here" 2>/dev/null || true
	refused state.git git reset -q --hard evil
	unmoved "$here"
	git reset -q "$here" 2>/dev/null || true
	refused state.git git pull -q --no-rebase . evil
	unmoved "$here"
	refused state.git git update-ref refs/heads/feature/agent evil
	refused state.git git update-ref --no-deref HEAD evil
	unmoved "$here"
	refused state.git git fetch -q --update-head-ok . evil:feature/agent
	unmoved "$here"
	run git branch -f feature/agent evil # git itself refuses the checked-out branch
	[ "$status" -ne 0 ]
	unmoved "$here"
}

@test "attacker: the routes that move no ref are the command hook's: checkout X -- .ai, read-tree -u, apply" {
	git diff HEAD "$EVIL" >"$BATS_TEST_TMPDIR/p.patch"
	for c in "git checkout $EVIL -- .ai" "git restore --source $EVIL .ai/policy.yaml" \
		"git apply $BATS_TEST_TMPDIR/p.patch"; do
		run guard-risk --command "$c"
		echo "$c: $output"
		[ "$(jq -r .level <<<"$output")" = critical ]
	done
	for c in "git checkout $EVIL -- ." "git read-tree -u -m HEAD $EVIL" "git read-tree -u --reset $EVIL" "git checkout-index -a -f"; do
		run guard-risk --command "$c"
		echo "$c: $output"
		[[ $(jq -r .level <<<"$output") == @(high|critical) ]]
	done
}

@test "attacker: rebase onto it and a detached checkout of it are refused or undone" {
	here=$(git rev-parse HEAD)
	git branch evil "$EVIL"
	export GUARD_ACTOR=agent
	run git rebase -q evil
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"[state.git]"* ]]
	git rebase --abort 2>/dev/null || true
	unmoved "$here"
	run git checkout -q evil
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"[state.git]"* && $output == *"switched back"* ]]
	strict_kept
	[ "$(git branch --show-current)" = feature/agent ]
	run git switch -q --detach "$EVIL"
	[ "$status" -ne 0 ]
	[ "$(git branch --show-current)" = feature/agent ]
	strict_kept
}

@test "attacker: git am of a patch touching .ai/ is refused and the file put back" {
	here=$(git rev-parse HEAD)
	git format-patch -1 --stdout "$EVIL" >"$BATS_TEST_TMPDIR/p.mbox"
	CLAUDECODE=1 run git am -q "$BATS_TEST_TMPDIR/p.mbox"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"[state.git]"* ]]
	git am --abort 2>/dev/null || true
	unmoved "$here"
}

@test "attacker: the other guard files (.claude/settings.json, .mcp.json, a new approval) count too" {
	here=$(git rev-parse HEAD)
	mkdir -p x/.claude && printf '{}\n' >x/.claude/settings.json
	tree=$( (git ls-tree HEAD; printf '100644 blob %s\t.mcp.json\n' "$(echo '{}' | git hash-object -w --stdin)") | git mktree)
	c=$(git commit-tree "$tree" -p HEAD -m mcp)
	CLAUDECODE=1 refused state.git git reset -q --hard "$c"
	[[ $output == *".mcp.json (removed again)"* ]]
	[ ! -e .mcp.json ]
	git reset -q "$here"
	appr=$(printf '100644 blob %s\tx.json\n' "$(echo '{"status":"approved"}' | git hash-object -w --stdin)" | git mktree)
	ai=$( (git ls-tree HEAD:.ai; printf '040000 tree %s\tapprovals\n' "$appr") | git mktree)
	tree=$( (git ls-tree HEAD | grep -v '	.ai$'; printf '040000 tree %s\t.ai\n' "$ai") | git mktree)
	c=$(git commit-tree "$tree" -p HEAD -m approval)
	CLAUDECODE=1 refused state.git git cherry-pick "$c"
	[ ! -e .ai/approvals/x.json ]
	unmoved "$here"
}

@test "attacker: during a session (no marker at all) the same moves are refused" {
	run --separate-stderr guard-session start --task t1
	[ "$status" -eq 0 ]
	own=$(git branch --show-current)
	here=$(git rev-parse HEAD)
	strict_kept
	c=$(git commit-tree "$(git rev-parse "$EVIL^{tree}")" -p HEAD -m tidy)
	env -u CLAUDECODE -u GEMINI_CLI -u GUARD_ACTOR bash -c "git cherry-pick $c" >"$BATS_TEST_TMPDIR/out" 2>&1 && false
	grep -q '\[state.git\]' "$BATS_TEST_TMPDIR/out"
	grep -q 'unattended session' "$BATS_TEST_TMPDIR/out"
	unmoved "$here"
	[ "$(git branch --show-current)" = "$own" ]
}

@test "attacker: an agent allowed to commit to main is still kept from bringing guard files" {
	mkdir -p "$HOME/.config/guard"
	printf 'version: 1\nbranch:\n  allow_agent_commit: true\n' >"$HOME/.config/guard/policy.yaml"
	chmod 600 "$HOME/.config/guard/policy.yaml"
	here=$(git rev-parse HEAD)
	CLAUDECODE=1 refused state.git git reset -q --hard "$EVIL"
	unmoved "$here"
}

@test "user: an agent's commit of what the worktree already holds passes (a person's policy edit, guard's logs)" {
	printf 'version: 1\n# edited by the person\n' >.ai/policy.yaml
	mkdir -p .ai/audit && echo '{}' >.ai/audit/x.jsonl
	wait_for "the clock past the edits" past_change .ai/policy.yaml
	wait_for "the clock past the edits" past_change .ai/audit/x.jsonl
	CLAUDECODE=1 git add -A
	CLAUDECODE=1 git commit -qm 'policy, as the person left it'
	grep -qx '# edited by the person' .ai/policy.yaml
	[ "$(git show HEAD:.ai/policy.yaml | tail -1)" = '# edited by the person' ]
	# a removal made before, committed; guard's logs grow under git and are not counted at all
	git rm -q --cached .ai/policy.yaml && rm .ai/policy.yaml
	wait_for "the clock past the removal" past_change .ai
	CLAUDECODE=1 git commit -qm 'policy out'
	echo '{"more":1}' >>.ai/audit/x.jsonl
	CLAUDECODE=1 git commit -qam 'the log, just grown'
	printf 'version: 1\n# edited by the person\n' >.ai/policy.yaml
	# what the worktree does not hold is still refused: the policy staged from elsewhere
	git update-index --add --cacheinfo "100644,$(git rev-parse "$LOOSE:.ai/policy.yaml"),.ai/policy.yaml"
	CLAUDECODE=1 refused state.git git commit -qm 'staged from history'
	grep -qx '# edited by the person' .ai/policy.yaml
}

@test "user: a person's merge, reset, cherry-pick and checkout of another policy still work" {
	git branch evil "$EVIL"
	git merge -q --ff-only evil
	grep -qx '# loose' .ai/policy.yaml
	git reset -q --hard HEAD~1
	strict_kept
	git cherry-pick "$EVIL" >/dev/null
	grep -qx '# loose' .ai/policy.yaml
	git checkout -q main
	strict_kept
	git checkout -q evil
	grep -qx '# loose' .ai/policy.yaml
}

@test "user: an agent's everyday moves pass: commits, merges and switches that keep guard files, the base's policy merged" {
	export CLAUDECODE=1
	echo more >>src/main.c && git commit -qam more
	git checkout -q -b feature/two
	echo two >src/two.c && git add src/two.c && git commit -qm two
	git checkout -q feature/agent
	git merge -q --no-edit feature/two
	git rebase -q main
	git reset -q --hard HEAD~1
	strict_kept
	# a person tightens the policy on main; the agent merges main into its branch
	unset CLAUDECODE
	git checkout -q main
	printf 'version: 1\n# stricter\n' >.ai/policy.yaml && git commit -qam stricter
	git checkout -q feature/agent
	CLAUDECODE=1 git merge -q --no-edit main
	grep -qx '# stricter' .ai/policy.yaml
	CLAUDECODE=1 git rebase -q main
	grep -qx '# stricter' .ai/policy.yaml
	# the price: a branch still holding the older policy is a person's to switch to (or to rebase)
	CLAUDECODE=1 refused state.git git checkout -q feature/two
	[ "$(git branch --show-current)" = feature/agent ]
	grep -qx '# stricter' .ai/policy.yaml
}

@test "install writes post-checkout; --check names it; its refusal is a git.violation record" {
	[ -x .git/hooks/post-checkout ]
	grep -q 'hook --chain "$0" post-checkout' .git/hooks/post-checkout
	guard-git install --check
	rm .git/hooks/post-checkout
	run guard-git install --check
	[ "$status" -eq 1 ]
	[[ $output == *"missing post-checkout"* ]]
	guard-git install >/dev/null
	CLAUDECODE=1 run git checkout -q "$EVIL"
	[ "$status" -ne 0 ]
	run guard-audit query --event git.violation
	echo "$output"
	[[ $output == *state.git* ]]
}

@test "attacker: git stash of the person's uncommitted policy is refused; other stashes pass" {
	printf 'version: 1\n# tighter, not committed yet\n' >.ai/policy.yaml
	CLAUDECODE=1 refused state.git git stash -q
	grep -qx '# tighter, not committed yet' .ai/policy.yaml
	run git stash list
	[ -z "$output" ]
	git checkout -q -- .ai/policy.yaml
	echo wip >>src/main.c
	CLAUDECODE=1 git stash -q
	CLAUDECODE=1 git stash pop -q
	grep -qx wip src/main.c
}

@test "attacker: HEAD pointed at a branch by symbolic-ref goes to a person (the next reset or stash brings its files)" {
	run guard-risk --command "git symbolic-ref HEAD refs/heads/evil"
	[ "$(jq -r .level <<<"$output")" = high ]
	run guard-risk --command "git symbolic-ref -m x HEAD refs/heads/evil"
	[ "$(jq -r .level <<<"$output")" = high ]
	run guard-risk --command "git symbolic-ref --short HEAD"
	[ "$(jq -r .level <<<"$output")" = low ]
}
