#!/usr/bin/env bats
# git routes that change guard's files in the work tree (share/doc/trust.md
# section 2, attacker's findings A1, A2/A9, A3, A10, A13, A17): git's work
# tree moved into guard's state, a clean without -f, a stash of staged
# state, a sparse checkout, the index written with guard's files and the
# tree moved to an older commit. Every reproduction goes through `guard
# hook claude` from a governed, committed project; the user's everyday
# spellings next to them stay allowed.

load helper

setup() {
	setup_guard
	mkdir -p .ai/audit .ai/approvals .claude .git/guard/consumed
	printf 'version: 1\n' >.ai/policy.yaml
	printf '{"hooks":{}}\n' >.claude/settings.json
	printf '1\n' >.git/guard/audit-0123.synced
	printf '.ai/audit/\n.ai/approvals/\n' >.gitignore
	printf 'int x;\n' >src/x.c
	git add .gitignore .ai/policy.yaml .claude/settings.json src/x.c
	git -c user.email=t@example.com -c user.name=t commit -qm one
	printf 'int y;\n' >>src/x.c
	git -c user.email=t@example.com -c user.name=t commit -qam two
}

# The hook's answer for one Bash command: allow, ask (a request waits for
# a person) or deny, in $got; its reason in $why.
decide() {
	local out
	out=$(guard hook claude <<<"$(bash_payload "$1")" 2>"$BATS_TEST_TMPDIR/hook.err") || { cat "$BATS_TEST_TMPDIR/hook.err"; return 1; }
	got=$(jq -r '.hookSpecificOutput.permissionDecision // "none"' <<<"$out")
	why=$(jq -r '.hookSpecificOutput.permissionDecisionReason // ""' <<<"$out")
	if [ "$got" = deny ] && [[ $why == *"approval required"* ]]; then
		got=ask
	fi
}

# Every command given must get one of the wanted decisions (a regex); the others are named.
want() { # decisions, commands...
	local wanted=$1 bad=0 cmd
	shift
	for cmd in "$@"; do
		decide "$cmd"
		if ! [[ $got =~ ^($wanted)$ ]]; then
			echo "# $got (wanted $wanted): $cmd"
			echo "#   $why"
			bad=$((bad + 1))
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "A17: git's work tree moved into guard's state or .git (config, -c, --work-tree, GIT_WORK_TREE) is denied" {
	want deny \
		'git config core.worktree guard && git -c clean.requireForce=false clean -d -q; git config --unset core.worktree' \
		'git config core.worktree hooks' \
		'git config core.workTree .' \
		'git config --local core.worktree ../.ai' \
		'git config core.worktree ../.claude' \
		"git config core.worktree \"\$PWD/.git/guard\"" \
		'git -c core.worktree=hooks -c clean.requireForce=false clean -d -q' \
		'git -c CORE.WORKTREE=guard clean -fdq' \
		'git --work-tree .git/guard clean -fd' \
		'git --work-tree=.git/hooks checkout-index -a' \
		'GIT_WORK_TREE=.git/hooks git clean -d' \
		'export GIT_WORK_TREE=.git/guard; git clean -fd'
}

@test "A17: the reason names where the work tree lands, relative to .git" {
	decide 'git config core.worktree guard'
	[ "$got" = deny ]
	[[ $why == *"$PROJ/.git/guard, relative to .git"* ]]
}

@test "A17: a work tree the hook cannot tell is denied; one above the project asks" {
	want deny 'git config core.worktree "$d"' 'git -c core.worktree clean -fd' 'git --work-tree=$(cat f) clean -fd'
	want ask 'git config core.worktree ../..' 'export GIT_WORK_TREE=..'
}

@test "A17: the project itself, a place outside it, and reading or unsetting core.worktree stay allowed" {
	want allow 'git config core.worktree ..' "git config core.worktree $PROJ" 'git config core.worktree /srv/deploy' \
		'git config --get core.worktree' 'git config --unset core.worktree' 'git --work-tree=. status' \
		'git --work-tree=/srv/deploy status' 'unset GIT_WORK_TREE'
}

@test "A1: git clean without -f asks when clean.requireForce is turned off on the line" {
	want ask 'git -c clean.requireForce=false clean -d' 'git -c clean.requireforce=0 clean -dq' \
		'git config clean.requireForce false; git clean -d' 'git config clean.requireForce false && git clean -d src'
	decide 'git -c clean.requireForce=false clean -d'
	[[ $why == *"git clean -f deletes untracked files"* ]]
}

@test "A1: git clean without -f asks when git's settings (the repository's or the user's) name clean.requireForce" {
	want allow 'git clean -d'
	git config clean.requireForce false
	want ask 'git clean -d' 'git clean -dq'
	git config --unset clean.requireForce
	want allow 'git clean -d'
	printf '[clean]\n\trequireforce = no\n' >"$HOME/.gitconfig"
	want ask 'git clean -d'
}

@test "A1: with requireForce off, a clean naming guard's state is denied; a dry run stays allowed" {
	want deny 'git -c clean.requireForce=false clean -d .claude' 'git -c clean.requireForce=false clean -dX'
	want allow 'git clean -n' 'git clean -nd' 'git -c clean.requireForce=false clean -n'
	# setting the key is recorded, not asked: the clean that follows is what is rated
	want allow 'git config clean.requireForce false'
}

@test "A2/A9: a stash that can take guard's staged state asks, however it is spelled" {
	want ask 'git add -A && git stash' 'git add .claude .ai && git stash' 'git stash' 'git stash save x' \
		'git stash push -q' 'git stash -k' 'git stash push -p' 'git stash -u' "git stash push -- '*.json'" \
		"git stash push -m x -- ':!src'" 'git stash push -m x -- .' 'git stash push --pathspec-from-file=list'
	decide 'git stash'
	[[ $why == *"guard's policy and settings"* ]]
}

@test "A2/A9: a stash whose pathspec names guard's state is denied; --all is denied" {
	want deny 'git stash push -- .ai' 'git stash push .claude/settings.json' 'git stash --all' 'git stash push -a'
}

@test "A2/A9: git add -f of guard's ignored state (the audit log) asks; staging the policy stays allowed" {
	want ask 'git add -f .ai/audit' 'git add --force .ai' 'git add -f -A' 'git add -f .' 'git add -f -A && git stash -q'
	decide 'git add -f .ai/audit'
	[[ $why == *"stages guard's ignored state"* ]]
	want allow 'git add .ai/policy.yaml' 'git add -A' 'git add -f build/gen.c'
}

@test "A2/A9: a stash of other paths stays allowed" {
	want allow 'git stash push -m wip -- src' 'git stash push src/x.c' 'git stash push -m wip src' 'git stash list' \
		'git stash show -p' 'git stash pop' 'git stash push -a -- src'
}

@test "A3: a sparse checkout in a project holding guard's state is denied, with the reason" {
	want deny 'git sparse-checkout set src' 'git sparse-checkout init --cone' 'git sparse-checkout set --no-cone /src/' \
		'git sparse-checkout add src' 'git sparse-checkout reapply' 'git update-index --skip-worktree .ai/policy.yaml' \
		'git update-index --skip-worktree -- .claude/settings.json'
	decide 'git sparse-checkout set src'
	[[ $why == *"guard's policy and settings (.ai, .claude)"* ]]
	want ask 'git config core.sparseCheckout true' 'git -c core.sparseCheckout=true read-tree -mu HEAD'
}

@test "A3: listing or leaving sparse checkout, and skip-worktree on other files, stay allowed" {
	want allow 'git sparse-checkout list' 'git sparse-checkout disable' 'git update-index --skip-worktree src/x.c' \
		'git update-index --no-skip-worktree .ai/policy.yaml'
}

@test "A10: the index written with guard's files is denied; checkout-index of the whole index asks" {
	want deny \
		"b=\$(printf '{\"disableAllHooks\":true}\\n' | git hash-object -w --stdin); git update-index --add --cacheinfo 100644,\$b,.claude/settings.local.json && git checkout-index -a" \
		'git update-index --add --cacheinfo 100644 $b .ai/policy.yaml' \
		'git update-index --cacheinfo=100644,$b,.mcp.json'
	decide 'git update-index --add --cacheinfo 100644,$b,.claude/settings.local.json'
	[[ $why == *"guard's file .claude/settings.local.json"* ]]
	want ask 'git checkout-index -a' 'git checkout-index --all' 'git checkout-index -a --prefix=./' \
		"git checkout-index -a --prefix=../$(basename "$PROJ")/" 'git read-tree HEAD~1 && git checkout-index -a' \
		'git ls-files | git checkout-index --stdin' 'git update-index --index-info < src/entries' \
		'git update-index --add --cacheinfo 100644,$b,$f'
}

@test "A10: index plumbing on other paths and exports elsewhere stay allowed" {
	want allow 'git update-index --refresh' 'git update-index --add --cacheinfo 100644,$b,src/y.c' \
		'git checkout-index -a --prefix=/tmp/export/' 'git checkout-index -f -- src/x.c' 'git read-tree HEAD'
}

@test "A13: the tree moved to an older commit by switch, checkout -b and bisect asks as git checkout REV does" {
	want ask 'git checkout HEAD~1' 'git switch -q -d HEAD~1' 'git switch --detach HEAD^' 'git switch -c y HEAD~1' \
		'git switch -C y @~1' 'git checkout -q -b y HEAD~1' 'git checkout -qb y HEAD^' 'git checkout -B y HEAD~1' \
		'git checkout --detach HEAD~1' 'git bisect start HEAD HEAD~1' 'git bisect good' 'git bisect bad HEAD~1' \
		'git bisect skip' 'git bisect reset HEAD~1' "git switch -d $(git rev-parse --short HEAD~1)"
	decide 'git switch -d HEAD~1'
	[[ $why == *"guard's committed policy goes back with it"* ]]
}

@test "A13: new branches from a branch name, and bisect without a checkout, stay allowed" {
	want allow 'git switch -c fix main' 'git switch develop' 'git switch --detach v1.2' 'git checkout -b feature' \
		'git checkout -b feature origin/main' 'git bisect start' 'git bisect reset' 'git bisect log' \
		'git bisect start --no-checkout HEAD HEAD~1' 'git bisect run make test'
}
