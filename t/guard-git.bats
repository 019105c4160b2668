#!/usr/bin/env bats
# guard-git: the git hooks, the branch rules while an unattended session
# runs (every way of moving a ref), base branch detection and the PR range
# check. Real repositories, history made with git (which runs the hooks).

load helper
load git_project

setup() {
	setup_git_project
}

# Another AI branch with work of its own, made before the session (allowed then).
other_ai() {
	git checkout -q -b ai/nightbuilder/2026-01-01/other main
	printf 'theirs\n' >src/theirs.c
	git add src/theirs.c && git commit -qm 'their work'
	printf 'more\n' >>src/main.c
	git commit -qam 'their second'
	git checkout -q main
}

session() {
	run --separate-stderr guard-session start --task t1
	[ "$status" -eq 0 ]
	export GUARD_SESSION=${output#export GUARD_SESSION=}
	OWN=$(git branch --show-current)
	[[ $OWN == ai/nightbuilder/*/t1 ]]
}

@test "install writes the three hooks; a second install changes nothing" {
	run guard-git install
	[ "$status" -eq 0 ]
	[[ $output == *"installed reference-transaction"* ]]
	for h in reference-transaction pre-commit pre-push; do
		[ -x .git/hooks/$h ]
		grep -q "hook --chain \"\$0\" $h" .git/hooks/$h
	done
	# committed and aborted start no guard-git unless a chained hook wants them
	grep -q '^\[ "$1" = prepared \] || \[ -x "$0.guard-chained" \] || exit 0$' .git/hooks/reference-transaction
	sum=$(cat .git/hooks/* | md5sum)
	run guard-git install
	[ "$status" -eq 0 ]
	[[ $output == *"current pre-push"* ]]
	[ "$(cat .git/hooks/* | md5sum)" = "$sum" ]
	[ ! -e .git/hooks/pre-push.guard-chained ]
}

@test "install chains to a hook already there, keeps it, and uninstall puts it back" {
	printf '#!/bin/sh\necho "theirs $1" >>"%s/ran"\ncat >>"%s/ran"\n' "$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR" >.git/hooks/reference-transaction
	chmod +x .git/hooks/reference-transaction
	cp .git/hooks/reference-transaction "$BATS_TEST_TMPDIR/orig"
	guard-git install
	cmp .git/hooks/reference-transaction.guard-chained "$BATS_TEST_TMPDIR/orig"
	git branch feature
	# the chained hook ran for each state and got git's lines on stdin
	grep -q '^theirs prepared$' "$BATS_TEST_TMPDIR/ran"
	grep -q '^theirs committed$' "$BATS_TEST_TMPDIR/ran"
	grep -q " refs/heads/feature$" "$BATS_TEST_TMPDIR/ran"
	guard-git install # idempotent: the backup stays the original
	cmp .git/hooks/reference-transaction.guard-chained "$BATS_TEST_TMPDIR/orig"
	run guard-git install --uninstall
	[ "$status" -eq 0 ]
	[[ $output == *"restored reference-transaction"* ]]
	[[ $output == *"removed pre-push"* ]]
	cmp .git/hooks/reference-transaction "$BATS_TEST_TMPDIR/orig"
	[ ! -e .git/hooks/pre-push ]
	[ ! -e .git/hooks/reference-transaction.guard-chained ]
}

@test "a chained hook that refuses still refuses; guard refusing skips it" {
	printf '#!/bin/sh\nexit 1\n' >.git/hooks/pre-commit
	chmod +x .git/hooks/pre-commit
	guard-git install
	echo x >>src/main.c
	refute git commit -qam x
	git commit -qam x --no-verify
}

@test "install honours core.hooksPath (relative to the working tree)" {
	git config core.hooksPath .githooks
	echo .githooks/ >>.git/info/exclude
	guard-git install
	[ -x .githooks/reference-transaction ]
	[ ! -e .git/hooks/reference-transaction ]
	other_ai
	session
	refused branch.protected git update-ref refs/heads/main HEAD
}

@test "install --check: 0 when installed and current, 1 naming each hook otherwise; changes nothing" {
	run guard-git install --check
	[ "$status" -eq 1 ]
	[[ $output == *"missing reference-transaction"* ]]
	[ ! -e .git/hooks/pre-push ]
	guard-git install
	run guard-git install --check
	[ "$status" -eq 0 ]
	[[ $output == *"current pre-commit"* ]]
	# another program path, a hook replaced, a hook not executable
	sed -i 's|exec |exec /elsewhere/|' .git/hooks/pre-push
	printf '#!/bin/sh\nexit 0\n' >.git/hooks/pre-commit
	chmod -x .git/hooks/reference-transaction
	run guard-git install --check
	[ "$status" -eq 1 ]
	[[ $output == *"outdated pre-push"* ]]
	[[ $output == *"not guard's pre-commit"* ]]
	[[ $output == *"outdated reference-transaction"* ]]
	run guard-git install --check --uninstall
	[ "$status" -eq 2 ]
}

@test "uninstall and install are people's verbs" {
	run guard-git --help
	[[ $output == *"install"*"(people only)"* ]]
	run guard-git uninstall --help
	[[ $output == *"A person's verb"* ]]
}

@test "session: a commit on main is refused, with --no-verify too" {
	guard-git install
	session
	git checkout -q main
	echo bad >>src/main.c
	refused branch.protected git commit -qam bad
	refused branch.protected git commit -qam bad --no-verify
	[[ $output == *"'main' is a protected branch"*"$GUARD_SESSION"* ]]
	[ "$(git log --format=%s -1 main)" = init ]
}

@test "session: update-ref, branch -f and reset of a protected branch are refused" {
	guard-git install
	git branch develop
	session
	echo x >>src/main.c && git commit -qam own
	refused branch.protected git update-ref refs/heads/main HEAD
	# the agent's environment cannot send the hooks to another state folder
	mkdir -p src/elsewhere
	GUARD_DIR=src/elsewhere refused branch.protected git update-ref refs/heads/main HEAD
	refused branch.protected git branch -f master HEAD
	refused branch.protected git branch -f develop HEAD
	refused branch.protected git branch -D develop
	git checkout -q main
	refused branch.protected git reset -q --hard "$OWN"
	[ "$(git log --format=%s -1 main)" = init ]
}

@test "session: the session's own branch moves; no other branch does" {
	guard-git install
	other_ai
	session
	echo x >>src/main.c
	git commit -qam own
	git reset -q --hard HEAD~1
	refused branch.own git branch ai/nightbuilder/2026-01-02/another
	refused branch.own git branch -f ai/nightbuilder/2026-01-01/other HEAD
	refused branch.own git checkout -q -b feature/dodge
	refused branch.own git update-ref refs/heads/ai/nightbuilder/2026-01-01/other HEAD
}

@test "session: pull, merge, cherry-pick and rebase of another AI branch are refused, naming it" {
	guard-git install
	other_ai
	theirs=$(git rev-parse ai/nightbuilder/2026-01-01/other)
	session
	# a refused update leaves the files git already wrote: clean up after each
	refused branch.ai_merge git pull -q --no-rebase --no-edit . ai/nightbuilder/2026-01-01/other
	[[ $output == *"AI branch 'ai/nightbuilder/2026-01-01/other' (commits of ${theirs:0:12}"* ]]
	[[ $output != *"cherry-picked"* ]]
	git reset -q --hard && git clean -qfd src
	refused branch.ai_merge git merge -q --no-edit --no-ff ai/nightbuilder/2026-01-01/other
	git merge --abort 2>/dev/null || git reset -q --hard; git clean -qfd src
	refused branch.ai_merge git cherry-pick -x "$theirs"
	[[ $output == *"(cherry-picked commits of ${theirs:0:12})"* ]]
	git cherry-pick --abort 2>/dev/null || git reset -q --hard; git clean -qfd src
	# without -x: the same patch-id
	refused branch.ai_merge git cherry-pick "$theirs"
	git cherry-pick --abort 2>/dev/null || git reset -q --hard; git clean -qfd src
	echo mine >src/mine.c && git add src/mine.c && git commit -qm mine
	refused branch.ai_merge git rebase -q ai/nightbuilder/2026-01-01/other
	git rebase --abort 2>/dev/null || true
	[ "$(git log --format=%s -1)" = mine ]
	[ "$(git branch --show-current)" = "$OWN" ]
}

@test "session: pull, merge, cherry-pick and rebase onto a protected branch are refused too" {
	guard-git install
	session
	echo x >>src/main.c && git commit -qam own
	own=$(git rev-parse HEAD)
	git checkout -q main
	refused branch.protected git pull -q --no-rebase --no-edit . "$OWN"
	git reset -q --hard && git clean -qfd src
	refused branch.protected git merge -q --no-edit --no-ff "$OWN"
	git merge --abort 2>/dev/null || git reset -q --hard
	refused branch.protected git cherry-pick "$own"
	git cherry-pick --abort 2>/dev/null || git reset -q --hard
	refused branch.protected git rebase -q "$OWN"
	git rebase --abort 2>/dev/null || true
	[ "$(git rev-parse main)" = "$(git rev-parse "$own~1")" ]
}

@test "outside a session, on a feature branch, the same commands are allowed" {
	guard-git install
	other_ai
	theirs=$(git rev-parse ai/nightbuilder/2026-01-01/other)
	git checkout -q -b feature/x
	git cherry-pick -x "$theirs"
	git pull -q --no-rebase --no-edit . ai/nightbuilder/2026-01-01/other
	git checkout -q -b feature/y main
	echo y >src/y.c && git add src/y.c && git commit -qm y
	git rebase -q ai/nightbuilder/2026-01-01/other
	git checkout -q feature/x
	git branch -f master HEAD
	git update-ref refs/heads/main HEAD
	git checkout -q main
	echo ok >>src/main.c && git commit -qam direct
	git reset -q --hard HEAD~1
	git branch ai/nightbuilder/2026-01-02/new
}

# The git.violation records of the audit log, one JSON line each.
violations_logged() {
	cat .ai/audit/*.jsonl 2>/dev/null | jq -c 'select(.event == "git.violation")'
}

@test "attended agent: a commit on main is refused (CLAUDECODE, GEMINI_CLI, GUARD_ACTOR=agent), with --no-verify too" {
	guard-git install
	echo bad >>src/main.c
	CLAUDECODE=1 refused branch.agent_commit git commit -qam bad
	[[ $output == *"'main' is a protected branch"*"CLAUDECODE is set"* ]]
	CLAUDECODE=1 refused branch.agent_commit git commit -qam bad --no-verify
	GEMINI_CLI=1 refused branch.agent_commit git commit -qam bad --no-verify
	GUARD_ACTOR=agent refused branch.agent_commit git commit -qam bad
	# a marker only adds: GUARD_ACTOR=person does not hide CLAUDECODE
	CLAUDECODE=1 GUARD_ACTOR=person refused branch.agent_commit git commit -qam bad
	[ "$(git log --format=%s -1 main)" = init ]
	# a person commits on main; an agent on a branch of its own
	git commit -qam by-person
	git checkout -q -b feature/agent
	echo ok >>src/main.c
	CLAUDECODE=1 git commit -qam by-agent
}

@test "attended agent: every other way to move main is refused; pull of upstream work is not" {
	guard-git install
	git init -q --bare "$BATS_TEST_TMPDIR/remote.git"
	git remote add origin "$BATS_TEST_TMPDIR/remote.git"
	git push -q origin main
	git branch develop
	git checkout -q -b feature/x
	echo x >>src/main.c && git commit -qam work
	export CLAUDECODE=1
	refused branch.agent_commit git update-ref refs/heads/main HEAD
	refused branch.agent_commit git branch -f master HEAD
	refused branch.agent_commit git branch -f develop HEAD
	refused branch.agent_commit git branch -D develop
	refused branch.agent_commit git push -q origin HEAD:main
	git checkout -q main
	refused branch.agent_commit git merge -q --ff-only feature/x
	refused branch.agent_commit git reset -q --hard feature/x
	git reset -q --hard # the files git already wrote
	refused branch.agent_commit git cherry-pick feature/x
	git cherry-pick --abort 2>/dev/null || git reset -q --hard
	[ "$(git log --format=%s -1 main)" = init ]
	# work that is already upstream comes in: git pull fast-forwards main
	unset CLAUDECODE
	git clone -q "$BATS_TEST_TMPDIR/remote.git" "$BATS_TEST_TMPDIR/other"
	(cd "$BATS_TEST_TMPDIR/other" && echo up >>src/main.c && git commit -qam upstream && git push -q origin main)
	CLAUDECODE=1 git pull -q --ff-only origin main
	[ "$(git log --format=%s -1 main)" = upstream ]
}

@test "attended agent: a policy with branch.allow_agent_commit: true lets it; the project layer cannot" {
	guard-git install
	mkdir -p .ai && printf 'version: 1\nbranch:\n  allow_agent_commit: true\n' >.ai/policy.yaml
	echo x >>src/main.c
	CLAUDECODE=1 refused branch.agent_commit git commit -qam x
	mkdir -p "$HOME/.config/guard"
	printf 'version: 1\nbranch:\n  allow_agent_commit: true\n' >"$HOME/.config/guard/policy.yaml"
	chmod 600 "$HOME/.config/guard/policy.yaml"
	CLAUDECODE=1 git commit -qam x
	[ "$(git log --format=%s -1 main)" = x ]
}

@test "attended agent: the first commit of a new repository on main is refused too" {
	git init -q "$BATS_TEST_TMPDIR/fresh" && cd "$BATS_TEST_TMPDIR/fresh"
	guard-git install
	echo a >a && git add a
	CLAUDECODE=1 refused branch.agent_commit git commit -qm first
	CLAUDECODE=1 refused branch.agent_commit git commit -qm first --no-verify
	run git rev-parse --verify -q HEAD
	[ "$status" -ne 0 ]
}

@test "every refusal is a git.violation record in the audit log, which verifies" {
	guard-git install
	echo x >>src/main.c
	CLAUDECODE=1 refused branch.agent_commit git commit -qam x
	rec=$(violations_logged | tail -1)
	[ "$(jq -r .data.rule <<<"$rec")" = branch.agent_commit ]
	[ "$(jq -r .data.ref <<<"$rec")" = refs/heads/main ]
	[ "$(jq -r .data.git_hook <<<"$rec")" = pre-commit ]
	[ "$(jq -r .actor.role <<<"$rec")" = agent ]
	[ "$(jq -r .actor.marker <<<"$rec")" = CLAUDECODE ]
	[[ $(jq -r .summary <<<"$rec") == *"'main' is a protected branch"* ]]
	git checkout -q -- src/main.c
	session
	before=$(violations_logged | wc -l)
	refused branch.protected git update-ref refs/heads/main HEAD
	rec=$(violations_logged | tail -1)
	[ "$(violations_logged | wc -l)" -eq $((before + 1)) ]
	[ "$(jq -r .data.rule <<<"$rec")" = branch.protected ]
	[ "$(jq -r .data.git_hook <<<"$rec")" = reference-transaction ]
	[ "$(jq -r .session <<<"$rec")" = "$GUARD_SESSION" ]
	guard-audit verify
}

@test "an ended session no longer holds the branches" {
	guard-git install
	session
	echo x >>src/main.c && git commit -qam own
	guard-session end >/dev/null 2>&1 || true
	[ "$(guard-session status --json 2>/dev/null | jq -r .status)" != running ] || skip "session still running"
	git update-ref refs/heads/main HEAD
}

@test "the hook fails closed on malformed input during a session" {
	session
	run guard-git hook reference-transaction prepared <<<"garbage"
	[ "$status" -eq 2 ]
	[[ $output == *"malformed ref update"* ]]
	# committed and aborted are only told: nothing to refuse
	run guard-git hook reference-transaction committed <<<"garbage"
	[ "$status" -eq 0 ]
}

@test "pre-push refuses a push to a protected branch during a session" {
	guard-git install
	git init -q --bare "$BATS_TEST_TMPDIR/remote.git"
	git remote add origin "$BATS_TEST_TMPDIR/remote.git"
	session
	echo x >>src/main.c && git commit -qam own
	refused branch.protected git push -q origin HEAD:main
	git push -q origin "$OWN"
}

@test "pre-push refuses a session's push to a tag, a note or any ref outside refs/heads/ (attack8 I4)" {
	guard-git install
	git init -q --bare "$BATS_TEST_TMPDIR/remote.git"
	git remote add origin "$BATS_TEST_TMPDIR/remote.git"
	session
	# the attack: a commit made by plumbing, pushed where no budget or scan looks
	B=$(seq -f 'x%g = 1' 3000 | git hash-object -w --stdin)
	T=$(printf '100644 blob %s\tbig.py\n' "$B" | git mktree)
	C=$(git commit-tree -m x "$T")
	refused push.ref git push -q origin "$C:refs/tags/v9"
	refused push.ref git push -q origin "$C:refs/notes/commits"
	refused push.ref git push -q origin "$C:refs/for/main"
	run git --git-dir="$BATS_TEST_TMPDIR/remote.git" for-each-ref
	[ -z "$output" ]
	# its own branch still goes
	echo x >>src/main.c && git commit -qam own
	git push -q origin "$OWN"
	[ "$(git --git-dir="$BATS_TEST_TMPDIR/remote.git" rev-parse "$OWN")" = "$(git rev-parse HEAD)" ]
}

@test "a force push of HEAD, @ or no refspec sends the branch checked out: onto a protected one it is denied (attack8 I17)" {
	git checkout -q main
	for cmd in 'git push --force origin HEAD' 'git push -f origin @' 'git push -f' 'git push --force origin' \
		'git push origin +HEAD' 'git push --force-with-lease'; do
		decides "$cmd" deny
		[[ $REASON == *"protected branch"* ]]
	done
	[[ $REASON == *"rewrites shared history"* ]]
	decides 'git push --force origin HEAD' deny
	[[ $REASON == *"the branch checked out, main"* ]]
	# on a feature branch the same pushes are asked, as any force push is; an explicit branch is judged by its name
	git checkout -q -b feature
	decides 'git push --force origin HEAD' ask
	decides 'git push -f' ask
	decides 'git push origin HEAD' allow
	git checkout -q main
	decides 'git push --force origin HEAD:feature' ask
	decides 'git push origin HEAD' allow
}

@test "a push from a repository guard's hooks do not watch is asked, the project's own as before (attack8 I16)" {
	git init -q src/x
	git init -q "$BATS_TEST_TMPDIR/other"
	git worktree add -q "$BATS_TEST_TMPDIR/wt" -b feature
	for cmd in 'git -C src/x push origin main' 'cd src/x && git push' '(cd src/x; git push origin main)' \
		'env -C src/x git push' 'pushd src/x && git push' "sh -c 'cd src/x && git push'" \
		'git clone "$(git remote get-url origin)" src/y && cd src/y && git commit -qam x && git push' \
		'git -C src/new push' 'echo src/x | xargs -I{} git -C {} push' "cd $BATS_TEST_TMPDIR/other && git push" \
		'git -C src/x push --force-with-lease origin feature' 'git -C src/x subtree push -P a origin main' 'cd "$D" && git push' \
		'for d in src/x; do git -C $d push; done'; do
		decides "$cmd" ask
		[[ $REASON == *"guard's git hooks do not watch"* || $REASON == *"folder guard cannot work out"* ]]
	done
	decides 'git -C src/x push origin main' ask
	[[ $REASON == *"src/x/.git (not the project's)"* ]]
	decides 'git clone "$(git remote get-url origin)" src/y && cd src/y && git push' ask
	[[ $REASON == *"a folder made on this line"* ]]
	# verbs that send refs with no pre-push hook of the project: plumbing, submodules
	for cmd in 'git send-pack ../r.git main' "git submodule foreach 'git push'" \
		'git push --recurse-submodules=on-demand origin feature'; do
		decides "$cmd" ask
	done
	# git-dir spellings were denied already (GIT_DIR), and stay so
	decides 'git --git-dir=src/x/.git push' deny
	decides 'GIT_DIR=src/x/.git git push' deny
	# the project's own repository: its root, a subfolder, its linked worktree, its toplevel
	for cmd in 'git push origin feature' 'cd src && git push origin feature' "git -C $BATS_TEST_TMPDIR/wt push" \
		"cd $BATS_TEST_TMPDIR/wt && git push origin HEAD" 'cd "$(git rev-parse --show-toplevel)" && git push' \
		'git -C src/x push --dry-run origin main' 'git -C src/x status' 'git subtree split -P src' \
		'git send-pack --dry-run ../r.git main'; do
		decides "$cmd" allow
	done
}

@test "session: a push from another repository is denied (attack8 I16)" {
	git init -q src/x
	session
	decides 'git -C src/x push origin HEAD' deny
	decides 'cd src/x && git push' deny
	decides "git push origin $OWN" allow
}

@test "a force push of HEAD sends the branch checked out where the push runs: a linked worktree's, after -C or cd (attack8 I17)" {
	git worktree add -q "$BATS_TEST_TMPDIR/wt" -b feature
	# the project on a feature branch, its linked worktree on main
	git checkout -q -b side
	git -C "$BATS_TEST_TMPDIR/wt" checkout -q main
	for cmd in "git -C $BATS_TEST_TMPDIR/wt push --force" "cd $BATS_TEST_TMPDIR/wt && git push -f origin HEAD" \
		"(cd $BATS_TEST_TMPDIR/wt; git push origin +@)"; do
		decides "$cmd" deny
		[[ $REASON == *"the branch checked out, main"* ]]
	done
	decides 'git push --force' ask
	# the other way round: the worktree on a feature branch is judged by its own HEAD
	git -C "$BATS_TEST_TMPDIR/wt" checkout -q -b wtfeature
	git checkout -q main
	decides "git -C $BATS_TEST_TMPDIR/wt push --force" ask
	decides 'git push --force' deny
}

@test "session: --no-verif and -n (git's spellings of --no-verify) skip the hooks when run, so the hook denies them (attack8 I8)" {
	guard-git install
	git init -q --bare "$BATS_TEST_TMPDIR/remote.git"
	git remote add origin "$BATS_TEST_TMPDIR/remote.git"
	git push -q origin main
	session
	echo x >>src/main.c
	decides 'git commit -n -q -am "add data"' 'deny|ask'
	decides 'git commit --no-verif -q -am "add data"' 'deny|ask'
	decides 'git push -q --no-verif origin HEAD:main' 'deny|ask'
	decides 'git push -q --no-veri origin HEAD:ma""in' 'deny|ask'
	decides 'git push -q --force-w origin HEAD:main' 'deny'
	decides 'git push -q --del origin main' 'deny'
	# what the hook stands for: git reads the prefix as --no-verify and runs no pre-push
	git commit -qam own
	refused branch.protected git push -q origin HEAD:main
	[ "$(git --git-dir="$BATS_TEST_TMPDIR/remote.git" rev-parse main)" = "$(git rev-parse main)" ]
	git push -q --no-verif origin HEAD:main
	[ "$(git --git-dir="$BATS_TEST_TMPDIR/remote.git" rev-parse main)" = "$(git rev-parse HEAD)" ]
	# the everyday pushes stay allowed
	decides "git push -q --follow-tags origin $OWN" allow
	decides "git push -q --dry origin $OWN" allow
}

@test "base: master when there is no main, init.defaultBranch, origin/HEAD" {
	git branch -m main master
	run guard-git base
	[ "$status" -eq 0 ]
	[ "$output" = master ]
	git branch trunk
	git config init.defaultBranch trunk
	[ "$(guard-git base)" = trunk ]
	git branch dev
	git update-ref refs/remotes/origin/dev HEAD
	git symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/dev
	[ "$(guard-git base)" = dev ]
	git branch -m master other
	git branch -D trunk dev
	git config --unset init.defaultBranch
	git symbolic-ref -d refs/remotes/origin/HEAD
	run guard-git base
	[ "$status" -eq 5 ]
}

@test "session with master as the base: master and a configured base are held" {
	git branch -m main master
	[ "$(guard-git base)" = master ]
	# guard-session takes the base from a trusted layer until it asks guard-git
	mkdir -p "$HOME/.config/guard"
	printf 'version: 1\nbranch:\n  base: master\n  protected: [release/*]\n' >"$HOME/.config/guard/policy.yaml"
	chmod 600 "$HOME/.config/guard/policy.yaml"
	git branch release/1
	guard-git install
	session
	echo x >>src/main.c && git commit -qam own
	refused branch.protected git update-ref refs/heads/master HEAD
	[[ $output == *"'master' is a protected branch"* ]]
	refused branch.protected git branch -f release/1 HEAD
	# the project layer cannot move the base
	mkdir -p .ai && printf 'version: 1\nbranch:\n  base: elsewhere\n' >.ai/policy.yaml
	[ "$(guard-git base)" = master ]
}

# A random history on a branch off main: edits, new files, deletions,
# renames, binaries, .ai/ state, merges from main. Seeded by $1.
random_history() {
	RANDOM=$1
	git checkout -q -b "ai/nightbuilder/2026-01-01/r$1" main
	local i n f
	for i in $(seq $((RANDOM % 6 + 1))); do
		for n in $(seq $((RANDOM % 4 + 1))); do
			f=src/f$((RANDOM % 8)).c
			case $((RANDOM % 7)) in
			0) git rm -qf "$f" >/dev/null 2>&1 || true ;;
			1) git mv -f "$f" "src/moved$((RANDOM % 4)).c" 2>/dev/null || true ;;
			2) printf '\0\1\2%d\n' $((RANDOM % 100)) >"src/b$((RANDOM % 3)).bin" ;; # no text line in it: see the I3 test
			3) mkdir -p .ai/plans && seq $((RANDOM % 40)) >".ai/plans/p$RANDOM.md" ;;
			*) [ -f "$f" ] && sed -i "$((RANDOM % 5 + 1))d" "$f"; seq $RANDOM $((RANDOM % 30 + RANDOM)) | head -$((RANDOM % 50)) >>"$f" ;;
			esac
		done
		git add -A && git commit -qm "step $i" --allow-empty
		if [ $((RANDOM % 4)) = 0 ]; then
			git checkout -q main
			seq 1 $((RANDOM % 20 + 1)) >>src/main.c && git commit -qam "main moves"
			git checkout -q "ai/nightbuilder/2026-01-01/r$1"
			git merge -q --no-edit main >/dev/null 2>&1 || { git merge --abort; }
		fi
	done
}

# (binary files here hold no line of text: guard counts those where numstat shows "-", attack8 I3 in guard-session.bats)
@test "check: LOC equals git diff --numstat base...head on 50 random histories (.ai/ excluded)" {
	mkdir -p .ai/plans
	for f in 0 1 2 3; do seq 1 $((f * 7 + 3)) >src/f$f.c; done
	git add -A && git commit -qm files
	for seed in $(seq 1 50); do
		random_history "$seed"
		read -r a d < <(git diff --numstat main...HEAD -- . ':!.ai' | awk '$1 != "-" { a += $1; d += $2 } END { print a + 0, d + 0 }')
		files=$(git diff --numstat main...HEAD -- . ':!.ai' | wc -l)
		run guard-git check --base main --head HEAD --json
		[ "$status" -le 1 ] || { echo "$output"; false; }
		ga=$(jq .loc.added <<<"$output"); gd=$(jq .loc.deleted <<<"$output"); gf=$(jq '.changes | length' <<<"$output")
		[ "$a $d $files" = "$ga $gd $gf" ] || { echo "seed $seed: git $a $d $files, guard-git $ga $gd $gf"; git diff --numstat main...HEAD; jq -c '.changes[]' <<<"$output"; false; }
		git checkout -q main
	done
}

@test "check: a clean AI branch passes; the table, JSON and exit 0" {
	git checkout -q -b ai/nightbuilder/2026-01-01/ok
	printf 'int x;\n' >src/new.c && mkdir -p tests docs && echo t >tests/t.sh && echo d >docs/d.md
	git add -A && git commit -qm ok
	run guard-git check --base main --head HEAD
	[ "$status" -eq 0 ]
	[[ $output == *"loc        +3 -0"* ]]
	[[ $output == *"3 created, 0 modified, 0 deleted"* ]]
	[[ $output == *"violations none"* ]]
	run guard-git check --base main --head ai/nightbuilder/2026-01-01/ok --json
	[ "$status" -eq 0 ]
	[ "$(jq -r .branch <<<"$output")" = ai/nightbuilder/2026-01-01/ok ]
	[ "$(jq '.violations | length' <<<"$output")" = 0 ]
}

@test "check: a file name with terminal escapes is shown escaped in the text report, never raw (attack9 J23)" {
	git checkout -q -b ai/nightbuilder/2026-01-01/esc
	n=$'evil\e]0;pwned\a\e[2J\e[31mRED\u202e.key'
	echo x >"$n"
	git add -A && git commit -qm esc
	run guard-git check --base main --head HEAD
	[ "$status" -eq 1 ]
	[[ "$output" != *$'\e'* ]]
	[[ "$output" != *$'\a'* ]]
	[[ "$output" != *$'\u202e'* ]]
	[[ "$output" == *"evil\\E]0;pwned"* ]]
	[[ "$output" == *"\\u202E"* ]]
	# JSON keeps the name as it is, for tools
	run guard-git check --base main --head HEAD --json
	[ "$(jq -r '[.violations[] | select(.rule == "files.location")][0].file' <<<"$output")" = "$n" ]
	# an ordinary name is printed as it is
	git checkout -q main && git checkout -q -b ai/nightbuilder/2026-01-01/plain
	echo x >top.txt && git add top.txt && git commit -qm plain
	run guard-git check --base main --head HEAD
	[[ "$output" == *"'top.txt' is a new file here"* ]]
}

@test "check: branch name, new files outside src/ tests/, docs outside docs/, limits; exit 1; GitHub annotations" {
	# the person's policy on main (an AI branch changing it is files.forbidden: attack11 L11)
	mkdir -p .ai && cat >.ai/policy.yaml <<'Y'
version: 1
session:
  max_loc: 5
  max_files_created: 2
  max_files_modified: 0
Y
	git add .ai && git commit -qm policy
	git checkout -q -b ai/nightbuilder/bad-name
	echo x >top.txt && echo d >src/README.md && seq 10 >src/big.c && echo m >>src/main.c
	git add -A && git commit -qm bad
	run guard-git check --base main --head HEAD --json
	[ "$status" -eq 1 ]
	rules=$(jq -r '[.violations[] | .rule + ":" + .severity] | join(" ")' <<<"$output")
	echo "$rules"
	[[ $rules == *"branch.pattern:error"* ]]
	[[ $rules == *"files.location:error"* ]]
	[[ $rules == *"session.max_loc:error"* ]]
	[[ $rules == *"session.max_files_created:error"* ]]
	[[ $rules == *"session.max_files_modified:warning"* ]]
	[ "$(jq '[.violations[] | select(.rule == "files.location")] | length' <<<"$output")" = 2 ]
	run guard-git check --base main --head HEAD --format github
	[ "$status" -eq 1 ]
	[[ $output == *"::error file=top.txt,line=1,title=guard-git files.location::'top.txt' is a new file here"* ]]
	[[ $output == *"::warning title=guard-git session.max_files_modified::"* ]]
	# --branch names the head in CI (a detached checkout)
	git checkout -q --detach
	run guard-git check --base main --head HEAD --branch ai/nightbuilder/2026-01-01/fine --json
	[ "$(jq '[.violations[] | select(.rule == "branch.pattern")] | length' <<<"$output")" = 0 ]
}

@test "check: an AI-to-AI merge in the range is named, merge or cherry-pick" {
	other_ai
	theirs=$(git rev-parse ai/nightbuilder/2026-01-01/other)
	git checkout -q -b ai/nightbuilder/2026-01-02/mine main
	git merge -q --no-edit ai/nightbuilder/2026-01-01/other
	run guard-git check --base main --head HEAD --json
	[ "$status" -eq 1 ]
	[ "$(jq -r '.violations[] | select(.rule == "branch.ai_merge") | .branch' <<<"$output")" = ai/nightbuilder/2026-01-01/other ]
	git checkout -q -b ai/nightbuilder/2026-01-02/picked main
	git cherry-pick -x "$theirs" >/dev/null
	run guard-git check --base main --head HEAD --json
	[ "$status" -eq 1 ]
	[[ $(jq -r '.violations[] | select(.rule == "branch.ai_merge") | .message' <<<"$output") == *"cherry-picked commits of ${theirs:0:12}"* ]]
}

@test "check: usage errors and unknown revisions" {
	run guard-git check --base nope --head HEAD
	[ "$status" -eq 5 ]
	[[ $output == *"unknown revision 'nope'"* ]]
	run guard-git check --format xml
	[ "$status" -eq 2 ]
	run guard-git check --bogus
	[ "$status" -eq 2 ]
}

# A PR body as guard-session writes it; sections named in $@ are left out.
pr_body() {
	local s
	for s in "Summary" "Changed files (1)" "Lines of code" "Security scan" "Session log"; do
		[[ " $* " == *" ${s%% *} "* ]] && continue
		printf '## %s\n\nsomething\n\n' "$s"
	done
}

@test "check --pr-body: every section of seed 004 present and not empty; - reads stdin" {
	git checkout -q -b ai/nightbuilder/2026-01-01/body
	echo y >src/y.c && git add -A && git commit -qm y
	pr_body >"$BATS_TEST_TMPDIR/body.md"
	run guard-git check --base main --pr-body "$BATS_TEST_TMPDIR/body.md" --labels ai-generated,nightbuilder --json
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	pr_body Security Session >"$BATS_TEST_TMPDIR/body.md"
	printf '## Session log\n\n   \n' >>"$BATS_TEST_TMPDIR/body.md"
	run guard-git check --base main --pr-body "$BATS_TEST_TMPDIR/body.md" --json
	[ "$status" -eq 1 ]
	msgs=$(jq -r '.violations[] | select(.rule == "pr.body") | .message' <<<"$output")
	echo "$msgs"
	[ "$(wc -l <<<"$msgs")" -eq 2 ]
	[[ $msgs == *"has no '## Security scan' section"* ]]
	[[ $msgs == *"has an empty '## Session log' section"* ]]
	# a heading spelled in another case counts; '###' and a heading inside a line do not
	run guard-git check --base main --pr-body - --json < <(pr_body Summary; printf '### Summary\n\nx\n\nsee ## Summary\n## summary of it\n\ntext\n')
	[ "$(jq '[.violations[] | select(.rule == "pr.body")] | length' <<<"$output")" = 0 ]
	run guard-git check --base main --pr-body - --json < <(pr_body Summary; printf '### Summary\n\nx\n')
	[ "$(jq '[.violations[] | select(.rule == "pr.body")] | length' <<<"$output")" = 1 ]
	run guard-git check --base main --pr-body "$BATS_TEST_TMPDIR/none.md"
	[ "$status" -eq 5 ]
	head -c 2000000 /dev/zero | tr '\0' x >"$BATS_TEST_TMPDIR/big.md"
	run guard-git check --base main --pr-body "$BATS_TEST_TMPDIR/big.md"
	[ "$status" -ne 0 ] && [ "$status" -ne 1 ]
}

@test "check --labels: pr.labels, and the security label when security paths changed" {
	git checkout -q -b ai/nightbuilder/2026-01-01/labels
	echo y >src/y.c && git add -A && git commit -qm y
	run guard-git check --base main --labels 'ai-generated, nightbuilder' --json
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run guard-git check --base main --labels ai-generated --json
	[ "$status" -eq 1 ]
	[ "$(jq -r '.violations[] | select(.rule == "pr.labels") | .message' <<<"$output")" = "the PR lacks the label 'nightbuilder' (policy pr.labels)" ]
	# other spellings are other labels
	run guard-git check --base main --labels 'AI-generated,nightbuilder,' --json
	[ "$(jq '[.violations[] | select(.rule == "pr.labels")] | length' <<<"$output")" = 1 ]
	mkdir -p src/security && echo s >src/security/check.c && git add -A && git commit -qm sec
	run guard-git check --base main --labels ai-generated,nightbuilder --json
	[[ $(jq -r '.violations[] | select(.rule == "pr.labels") | .message' <<<"$output") == *"'needs-security-review'"*"security paths changed"* ]]
	# without --labels nothing is said about labels
	run guard-git check --base main --json
	[ "$(jq '[.violations[] | select(.rule == "pr.labels")] | length' <<<"$output")" = 0 ]
}

@test "check: forbidden paths of the policy, modified, created or renamed away" {
	mkdir -p .github/workflows src/auth && echo ci >.github/workflows/ci.yml && echo a >src/auth/login.c && echo e >.env.example
	git add -A && git commit -qm base
	git checkout -q -b ai/nightbuilder/2026-01-01/forbid
	echo changed >>.github/workflows/ci.yml
	git mv src/auth/login.c src/login.c
	echo x >>.env.example
	echo fine >>src/main.c
	git add -A && git commit -qm forbidden
	run guard-git check --base main --json
	[ "$status" -eq 1 ]
	got=$(jq -r '[.violations[] | select(.rule == "files.forbidden") | .file] | sort | join(" ")' <<<"$output")
	echo "$got"
	[ "$got" = ".env.example .github/workflows/ci.yml src/auth/login.c" ]
	[[ $(jq -r '.violations[] | select(.file == ".github/workflows/ci.yml" and .rule == "files.forbidden") | .message' <<<"$output") == *"(policy rule nb-no-security-settings)"* ]]
	[ "$(jq -r '.changes[] | select(.path == "src/login.c") | .status' <<<"$output")" = R ]
	[[ $(jq -r '.violations[] | select(.file == "src/auth/login.c") | .message' <<<"$output") == *"'src/auth/login.c' (renamed away to 'src/login.c') is a path the agent may not write"* ]]
	run guard-git check --base main --format github
	[[ $output == *"::error file=.github/workflows/ci.yml,line=1,title=guard-git files.forbidden::"* ]]
}

@test "check: commits made on a protected branch that the range carries are named" {
	git branch develop
	git checkout -q develop
	echo d >>src/main.c && git commit -qam 'on develop'
	dev=$(git rev-parse HEAD)
	git checkout -q -b ai/nightbuilder/2026-01-01/carry
	echo mine >src/mine.c && git add -A && git commit -qm mine
	run guard-git check --base main --json
	[ "$status" -eq 1 ]
	msg=$(jq -r '.violations[] | select(.rule == "commits.protected") | .message' <<<"$output")
	[[ $msg == *"1 commit made on protected branch 'develop' (${dev:0:12})"* ]]
	# a remote-tracking copy counts too; the base itself does not
	git update-ref refs/remotes/origin/master "$dev"
	git branch -D develop
	run guard-git check --base main --json
	[[ $(jq -r '.violations[] | select(.rule == "commits.protected") | .message' <<<"$output") == *"'origin/master'"* ]]
	git update-ref -d refs/remotes/origin/master
	git checkout -q -b ai/nightbuilder/2026-01-01/clean main
	echo ok >src/ok.c && git add -A && git commit -qm ok
	run guard-git check --base main --json
	[ "$(jq '[.violations[] | select(.rule == "commits.protected")] | length' <<<"$output")" = 0 ]
}

@test "reviewers: tests only 1; general 2; security 2 + team; db 2 + DBA; --format gh and json" {
	git checkout -q -b ai/nightbuilder/2026-01-01/rv main
	mkdir -p tests && echo t >tests/a_test.sh && git add -A && git commit -qm t
	run guard-git reviewers --base main --head HEAD
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "tests only 1 reviewer" ]
	[ "${lines[1]}" = "required   1 approving review" ]
	run guard-git reviewers --base main --format gh
	[ "$output" = "" ]
	echo x >>src/main.c && git commit -qam general
	run guard-git reviewers --base main
	[ "${lines[0]}" = "general    2 reviewers" ]
	mkdir -p src/security db && echo s >src/security/x.c && echo q >db/1.sql && git add -A && git commit -qm secdb
	run guard-git reviewers --base main
	[ "${lines[1]}" = "security   2 reviewers + team security" ]
	[ "${lines[2]}" = "db         2 reviewers + team dba" ]
	[ "${lines[3]}" = "required   2 approving reviews, including team security, dba" ]
	run guard-git reviewers --base main --format gh
	[ "$output" = "--reviewer security --reviewer dba" ]
	run guard-git reviewers --base main --json
	[ "$(jq -r '[.categories[].name] | join(",")' <<<"$output")" = general,security,db ]
	[ "$(jq .security <<<"$output")" = true ]
	# a trusted layer raises the minimum; the project layer cannot lower it
	mkdir -p "$HOME/.config/guard" .ai
	printf 'version: 1\npr:\n  reviewers:\n    db: {min: 3}\n' >"$HOME/.config/guard/policy.yaml"
	chmod 600 "$HOME/.config/guard/policy.yaml"
	printf 'version: 1\npr:\n  reviewers:\n    db: {min: 1}\n' >.ai/policy.yaml
	run guard-git reviewers --base main
	[ "${lines[2]}" = "db         3 reviewers + team dba" ]
	run guard-git reviewers --format yaml
	[ "$status" -eq 2 ]
	run guard-git reviewers --base nope
	[ "$status" -eq 5 ]
}

# ai_branch NAME DAYS: an AI branch off main whose last commit is DAYS old.
ai_branch() {
	local when
	when=$(date -u -d "$2 days ago" +%Y-%m-%dT%H:%M:%SZ)
	git checkout -q -b "ai/nightbuilder/2026-01-01/$1" main
	echo "$1" >"src/$1.c" && git add -A
	GIT_COMMITTER_DATE=$when GIT_AUTHOR_DATE=$when git commit -qm "$1"
	git checkout -q main
}

ago() { date -u -d "$1 days ago" +%Y-%m-%dT%H:%M:%SZ; }

@test "cleanup: merged, closed for 7 days, no PR for 3 days deleted; stale open PR alerted; the rest kept" {
	ai_branch merged 1
	git merge -q --no-edit ai/nightbuilder/2026-01-01/merged
	ai_branch squashed 20
	ai_branch closed-old 30
	ai_branch closed-new 30
	ai_branch nopr-old 4
	ai_branch nopr-new 2
	ai_branch open-stale 15
	ai_branch open-fresh 13
	git branch feature/person # not an AI branch: never looked at
	cat >"$BATS_TEST_TMPDIR/prs.json" <<J
[
 {"number": 1, "headRefName": "ai/nightbuilder/2026-01-01/squashed", "state": "MERGED", "closedAt": "$(ago 19)", "mergedAt": "$(ago 19)"},
 {"number": 2, "headRefName": "ai/nightbuilder/2026-01-01/closed-old", "state": "CLOSED", "closedAt": "$(ago 8)", "mergedAt": null},
 {"number": 3, "headRefName": "ai/nightbuilder/2026-01-01/closed-new", "state": "CLOSED", "closedAt": "$(ago 6)", "mergedAt": null},
 {"number": 4, "headRefName": "ai/nightbuilder/2026-01-01/open-stale", "state": "OPEN", "closedAt": null, "mergedAt": null},
 {"number": 5, "headRefName": "ai/nightbuilder/2026-01-01/open-fresh", "state": "OPEN", "closedAt": null, "mergedAt": null},
 {"number": 6, "headRefName": "ai/nightbuilder/2026-01-01/open-fresh", "state": "CLOSED", "closedAt": "$(ago 30)", "mergedAt": null}
]
J
	before=$(git branch --list | md5sum)
	run guard-git cleanup --dry-run --prs "$BATS_TEST_TMPDIR/prs.json" --json
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	plan=$(jq -r '.[] | (.branch | sub("ai/nightbuilder/2026-01-01/"; "")) + "=" + .action' <<<"$output" | sort | tr '\n' ' ')
	echo "$plan"
	[ "$plan" = "closed-new=keep closed-old=delete merged=delete nopr-new=keep nopr-old=delete open-fresh=keep open-stale=alert squashed=delete " ]
	[ "$(git branch --list | md5sum)" = "$before" ] # a dry run deletes nothing
	run guard-git cleanup --dry-run --table --prs - < "$BATS_TEST_TMPDIR/prs.json"
	[[ $output == *"would delete ai/nightbuilder/2026-01-01/closed-old: PR #2 closed without merge 8 days ago (deleted after 7)"* ]]
	[[ $output == *"alert        ai/nightbuilder/2026-01-01/open-stale: PR #4 open, last commit 15 days ago (alert after 14)"* ]]
	run guard-git cleanup --table --prs "$BATS_TEST_TMPDIR/prs.json"
	[ "$status" -eq 0 ]
	[[ $output == *"deleted      ai/nightbuilder/2026-01-01/nopr-old: no PR, last commit 4 days ago"* ]]
	left=$(git branch --format='%(refname:short)' | sed 's|ai/nightbuilder/2026-01-01/||' | sort | tr '\n' ' ')
	[ "$left" = "closed-new feature/person main nopr-new open-fresh open-stale " ]
}

@test "cleanup: without a PR list only merged branches go; the checked-out branch and a session's stay; policy durations" {
	ai_branch old 30
	ai_branch merged 1
	git merge -q --no-edit ai/nightbuilder/2026-01-01/merged
	run guard-git cleanup --dry-run --json
	[ "$(jq -r '.[] | select(.action == "delete") | .branch' <<<"$output")" = ai/nightbuilder/2026-01-01/merged ]
	[[ $(jq -r '.[] | select(.branch | endswith("old")) | .reason' <<<"$output") == *"no PR list given"* ]]
	git checkout -q ai/nightbuilder/2026-01-01/old
	run guard-git cleanup --dry-run --prs - --json <<<'[]'
	[ "$(jq -r '.[] | select(.branch | endswith("old")) | .action + " " + .reason' <<<"$output")" = "keep checked out" ]
	git checkout -q main
	# a trusted layer's durations
	mkdir -p "$HOME/.config/guard"
	printf 'version: 1\npr:\n  cleanup:\n    no_pr_after: 40d\n    delete_merged: false\n' >"$HOME/.config/guard/policy.yaml"
	chmod 600 "$HOME/.config/guard/policy.yaml"
	run guard-git cleanup --dry-run --prs - --json <<<'[]'
	[ "$(jq '[.[] | select(.action == "delete")] | length' <<<"$output")" = 0 ]
	rm "$HOME/.config/guard/policy.yaml"
	# a running session's branch is kept, checked out or not
	session
	git checkout -q main
	run guard-git cleanup --dry-run --prs - --json <<<'[]'
	[ "$(jq -r --arg b "$OWN" '.[] | select(.branch == $b) | .reason' <<<"$output")" = "a running session's branch" ]
}

@test "cleanup: malformed PR lists are refused, naming the item; it is a people-only verb" {
	ai_branch x 10
	for bad in '{}' '[{"number": 1}]' '[{"number": 1, "headRefName": "a", "state": "DRAFT"}]' \
		'[{"number": 1, "headRefName": "a", "state": "CLOSED", "closedAt": "yesterday"}]' 'not json'; do
		run guard-git cleanup --prs - <<<"$bad"
		echo "$bad: $output"
		[ "$status" -eq 2 ]
	done
	[[ $output == *"is not JSON"* ]]
	run guard-git cleanup --prs - <<<'[{"number": 1}]'
	[[ $output == *"PR list item 0"* ]]
	git rev-parse -q --verify ai/nightbuilder/2026-01-01/x
	run guard-git cleanup --prs
	[ "$status" -eq 2 ]
	run guard-git cleanup --help
	[[ $output == *"A person's verb"* ]]
	run guard-risk --command 'guard-git cleanup --prs x.json'
	[[ $output == *critical* ]]
}

@test "cleanup: JSON Lines in a pipe, the lines of a table on a terminal, one array with --json" {
	ai_branch merged 1
	git merge -q --no-edit ai/nightbuilder/2026-01-01/merged
	ai_branch old 30
	run guard-git cleanup --dry-run --prs - <<<'[]'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(jq -sr 'map(.branch + "=" + .action) | sort | join(" ")' <<<"$output")" = \
		"ai/nightbuilder/2026-01-01/merged=delete ai/nightbuilder/2026-01-01/old=delete" ]
	echo '[]' >"$BATS_TEST_TMPDIR/none.json"
	run env TERM=xterm python3 "$BATS_TEST_DIRNAME/pty-run.py" -- guard-git cleanup --dry-run --prs "$BATS_TEST_TMPDIR/none.json"
	[ "$status" -eq 0 ]
	[[ $output == *"would delete ai/nightbuilder/2026-01-01/merged: "* ]]
	[[ $output != *"{"* ]]
	run guard-git cleanup --dry-run --json --prs - <<<'[]'
	[ "$(jq length <<<"$output")" -eq 2 ]
	git rev-parse -q --verify ai/nightbuilder/2026-01-01/old
}

@test "check: code committed by guard's file names counts and is refused; a policy change is forbidden (attack11 L11)" {
	guard init >/dev/null && git add -A && git commit -qm 'guard init'
	git checkout -q -b ai/nightbuilder/2026-01-01/names
	mkdir -p .ai/approvals .ai/audit .ai/sessions .ai/plans
	seq -f 'w%g = 1' 300 >.ai/approvals/zz-tool.json
	seq -f 'w%g = 1' 300 >.ai/audit/tool.jsonl
	seq -f 'w%g = 1' 300 >.ai/sessions/forged.log.jsonl
	seq -f 'w%g = 1' 300 >.ai/sessions/forged.json
	printf 'int x;\n' >src/new.c
	git add -f .ai/approvals/zz-tool.json .ai/audit/tool.jsonl .ai/sessions/forged.log.jsonl .ai/sessions/forged.json src/new.c
	git commit -qm names
	run guard-git check --base main --head HEAD --json
	[ "$status" -eq 1 ]
	[ "$(jq .loc.added <<<"$output")" = 1201 ]
	for f in .ai/approvals/zz-tool.json .ai/audit/tool.jsonl .ai/sessions/forged.log.jsonl .ai/sessions/forged.json; do
		[ "$(jq -r --arg f "$f" '[.violations[] | select(.rule == "files.guard_state" and .file == $f)] | length' <<<"$output")" = 1 ]
	done
	# the project's policy edited on the branch: its own error
	printf '\n# agent edit\n' >>.ai/policy.yaml && git commit -qam policy
	run guard-git check --base main --head HEAD --json
	[ "$(jq -r '[.violations[] | select(.rule == "files.forbidden" and .file == ".ai/policy.yaml")] | length' <<<"$output")" -ge 1 ]
	# a plan as a program (executable) is no plan: counted
	git checkout -q main && git checkout -q -b ai/nightbuilder/2026-01-01/plans
	seq 50 >.ai/plans/p.md && seq 40 >PENDING_PLANS.md && git add -f .ai/plans/p.md PENDING_PLANS.md && git commit -qm plans
	run guard-git check --base main --head HEAD --json
	[ "$(jq .loc.added <<<"$output")" = 0 ]
	chmod +x PENDING_PLANS.md && git add PENDING_PLANS.md && git commit -qm exec
	run guard-git check --base main --head HEAD --json
	[ "$(jq .loc.added <<<"$output")" = 40 ]
}

@test "check user twin: a session's own records and plans stay out of the count (attack11 L11)" {
	guard init >/dev/null && git add -A && git commit -qm 'guard init'
	session
	printf 'int y;\n' >src/own.c
	mkdir -p .ai/plans && printf '# plan\n- later\n' >.ai/plans/later.md
	git add -A && git commit -qm work
	git cat-file -e "HEAD:.ai/sessions/$GUARD_SESSION.log.jsonl"
	run guard-git check --base main --head HEAD --json
	echo "$output"
	[ "$(jq .loc.added <<<"$output")" = 1 ]
	[ "$(jq -r '[.violations[] | select(.rule == "files.guard_state")] | length' <<<"$output")" = 0 ]
}
