#!/usr/bin/env bats
# A nested repository whose work tree is the project (attacker-5 F7,
# share/doc/trust.md "git's work tree and index"): `git init src/fgw2`,
# `git -C src/fgw2 config core.worktree $PROJ`, then `git -C src/fgw2 merge
# b2` writes the project's .claude/settings.local.json and .ai/policy.yaml.
# guard-git's hooks are the project's; the nested repository runs its own
# (none here), so only the hook's rating of the config and merge steps stands
# between the agent and guard's files. The chain is run for real on a
# project with guard init and guard-git install.

load helper
load git_project

setup() {
	setup_git_project
	guard init >/dev/null
	guard-git install >/dev/null
	mkdir -p .ai
	printf 'version: 1\n' >.ai/policy.yaml
	git add .ai/policy.yaml .claude/settings.json
	git commit -qm 'guard'
	# the nested repository: b2 adds .claude/settings.local.json, b3 empties the policy
	git init -q src/fgw2
	git -C src/fgw2 commit -q --allow-empty -m base
	git -C src/fgw2 checkout -q -b b2
	mkdir -p src/fgw2/.claude src/fgw2/.ai
	printf '{"disableAllHooks":true}\n' >src/fgw2/.claude/settings.local.json
	git -C src/fgw2 add .claude/settings.local.json
	git -C src/fgw2 commit -qm b2
	git -C src/fgw2 checkout -q -b b3 main
	printf 'version: 1\nrules: []\n' >src/fgw2/.ai/policy.yaml
	git -C src/fgw2 add .ai/policy.yaml
	git -C src/fgw2 commit -qm b3
	git -C src/fgw2 checkout -q main
}

# The hook's answer for one Bash command in $got, its reason in $why.
decide() {
	local out
	out=$(guard hook claude <<<"$(bash_payload "$1")") || return 1
	got=$(jq -r '.hookSpecificOutput.permissionDecision // "none"' <<<"$out")
	why=$(jq -r '.hookSpecificOutput.permissionDecisionReason // ""' <<<"$out")
}

@test "F7: the hook denies the config step and the merge step; run anyway, the merge writes guard's settings and policy" {
	decide "git init -q src/fgw9"
	[ "$got" = allow ]
	decide "git -C src/fgw2 config core.worktree $PROJ"
	echo "$why"
	[ "$got" = deny ]
	[[ $why == *"core.worktree"*"not the project's"*"the project's root"* ]]
	# the other spellings of the same setting
	for cmd in "git -C src/fgw2 config core.worktree ../../.." \
		"git config -f src/fgw2/.git/config core.worktree $PROJ" \
		"printf '[core]\\n\\tworktree = $PROJ\\n' >> src/fgw2/.git/config"; do
		decide "$cmd"
		echo "$cmd: $got"
		[ "$got" = deny ]
	done
	# before the setting the nested repository's merge is its own business
	decide "git -C src/fgw2 merge b2"
	[ "$got" = allow ]

	# a person (or an agent guard did not govern) sets it anyway
	git -C src/fgw2 config core.worktree "$PROJ"
	decide "git -C src/fgw2 merge b2"
	echo "$why"
	[ "$got" = deny ]
	[[ $why == *"git merge runs in the repository $PROJ/src/fgw2/.git (not the project's"*"the project's root"*"guard's git hooks are not that repository's"* ]]
	for cmd in "git -C src/fgw2 merge -q b3" "git -C src/fgw2 cherry-pick b2" "git -C src/fgw2 checkout b2" \
		"git -C src/fgw2 reset --hard b2" "git -C src/fgw2 read-tree -mu b2" "cd src/fgw2 && git switch b2"; do
		decide "$cmd"
		echo "$cmd: $got"
		[ "$got" = deny ]
	done

	# what the rating prevented: the nested repository has none of guard-git's hooks, and its merge
	# writes the project's settings and policy
	grep -q 'hook --chain' .git/hooks/reference-transaction
	[ -z "$(ls src/fgw2/.git/hooks | grep -v '\.sample$')" ]
	[ ! -e .claude/settings.local.json ]
	git -C src/fgw2 merge -q b2
	grep -q disableAllHooks .claude/settings.local.json
	git -C src/fgw2 checkout -q b3 -- :/.ai/policy.yaml
	grep -q 'rules: \[\]' .ai/policy.yaml
}

@test "F7: a gitfile, --git-dir, --work-tree and -c core.worktree reach the project the same way and are denied" {
	git init -q src/ok
	mkdir -p src/gf
	printf 'gitdir: ../fgw2/.git\n' >src/gf/.git
	git -C src/fgw2 config core.worktree "$PROJ"
	for cmd in "git -C src/gf merge b2" "git --git-dir=src/ok/.git --work-tree=. checkout b2" \
		"git --git-dir=src/ok/.git merge b2" "git -C src/ok --work-tree=../.. merge b2" \
		"git -C src/ok -c core.worktree=../../.. reset --hard" "GIT_WORK_TREE=../.. git -C src/ok merge b2"; do
		decide "$cmd"
		echo "$cmd: $got"
		[ "$got" = deny ]
	done
	# a gitfile written: a person looks
	decide "echo 'gitdir: ../fgw2/.git' > src/y/.git"
	[ "$got" = ask ] || [ "$got" = deny ]
	# the gitfile really makes src/gf a view of src/fgw2 whose work tree is the project
	[ "$(git -C src/gf rev-parse --show-toplevel)" = "$PROJ" ]
}

@test "F7: a config guard does not read in git's own form counts as reaching the project" {
	git init -q src/odd
	printf '[core] worktree = %s\n' "$PROJ" >>src/odd/.git/config
	[ "$(git -C src/odd rev-parse --show-toplevel)" = "$PROJ" ]
	decide "git -C src/odd merge b2"
	echo "$why"
	[ "$got" = deny ]
	[[ $why == *"cannot tell"* ]]
	# an include: the setting may be in another file
	git init -q src/inc
	printf '[include]\n\tpath = ../../wt.cfg\n' >>src/inc/.git/config
	decide "git -C src/inc checkout b2"
	[ "$got" = deny ]
}

@test "F7: nested repositories whose work tree is their own folder stay everyday (vendor clone, submodule, core.worktree inside)" {
	git init -q vendor/lib
	mkdir -p vendor/lib/.claude
	git -C vendor/lib commit -q --allow-empty -m base
	for cmd in "git -C vendor/lib merge x" "git -C vendor/lib checkout -b topic" "git -C vendor/lib pull" \
		"git -C src/fgw2 merge b2" "git -C src/fgw2 status" "git -C src/fgw2 stash list"; do
		decide "$cmd"
		echo "$cmd: $got"
		[ "$got" = allow ]
	done
	git init -q src/sub
	decide "git -C src/sub config core.worktree ../sub-wt"
	[ "$got" = allow ]
	git -C src/sub config core.worktree ../sub-wt
	decide "git -C src/sub merge x"
	[ "$got" = allow ]
	# a real submodule: its git folder is in .git/modules, its core.worktree points back at it
	git -c protocol.file.allow=always submodule add -q "$PROJ/src/fgw2" sm 2>/dev/null
	grep -q worktree .git/modules/sm/config
	for cmd in "git -C sm checkout b2" "git -C sm merge b3" "git submodule update --init"; do
		decide "$cmd"
		echo "$cmd: $got"
		[ "$got" = allow ]
	done
}

@test "git init --separate-git-dir over the project moves .git (guard's state, guard-git's hooks) out: denied" {
	decide "git init -q --separate-git-dir $BATS_TEST_TMPDIR/moved"
	echo "$why"
	[ "$got" = deny ]
	[[ $why == *"(the project's)"*".git/guard"* ]]
	decide "git init -q --separate-git-dir $BATS_TEST_TMPDIR/other src/fresh"
	[ "$got" = allow ]
	# what it prevented: run anyway, .git is a gitfile and guard-git's hooks live elsewhere
	git init -q --separate-git-dir "$BATS_TEST_TMPDIR/moved"
	[ -f .git ]
	[ -x "$BATS_TEST_TMPDIR/moved/hooks/pre-commit" ]
	[ ! -e .git/hooks ]
}
