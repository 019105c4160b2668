#!/usr/bin/env bats
# guard-git against the git-side ways around the branch rules (attacker
# findings N4, N6, N13): a damaged session state file, a protected branch
# made a symbolic ref, an object replaced (refs/replace/). Real
# repositories, history made with git (which runs the hooks); the user's
# side next to the attacker's.

load helper
load git_project

setup() {
	setup_git_project
}

session() {
	run --separate-stderr guard-session start --task t1
	echo "$stderr"
	[ "$status" -eq 0 ]
	export GUARD_SESSION=${output#export GUARD_SESSION=}
	OWN=$(git branch --show-current)
	[[ $OWN == ai/nightbuilder/*/t1 ]]
	STATE=.git/guard/sessions/$GUARD_SESSION.json
	[ -f "$STATE" ]
}

# damaged_refuses: with the session's state file damaged, main does not move and the file is named.
damaged_refuses() {
	run git update-ref refs/heads/main "$OWN"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"$GUARD_SESSION.json"* ]]
	[[ $output == *"takes it for a running unattended session"* ]]
	[ "$(git log --format=%s -1 main)" = init ]
}

# ---- N6: a damaged session file never reads as "no session" ----------------

@test "N6: the session's state file as {}, empty, cut short, a folder or a symbolic link: main does not move" {
	guard-git install
	session
	echo x >>src/main.c && git commit -qam own
	cp "$STATE" "$BATS_TEST_TMPDIR/state"
	printf '{}\n' >"$STATE"
	damaged_refuses
	: >"$STATE"
	damaged_refuses
	head -c 40 "$BATS_TEST_TMPDIR/state" >"$STATE"
	damaged_refuses
	printf '[1,2]' >"$STATE"
	damaged_refuses
	rm "$STATE" && mkdir "$STATE"
	damaged_refuses
	rmdir "$STATE" && ln -s "$BATS_TEST_TMPDIR/state" "$STATE"
	damaged_refuses
	rm "$STATE" && mkfifo "$STATE"
	damaged_refuses
	# repaired by a person: the session's rules as before
	rm "$STATE" && cp "$BATS_TEST_TMPDIR/state" "$STATE"
	refused branch.protected git update-ref refs/heads/main "$OWN"
	echo y >>src/main.c && git commit -qam own2
}

@test "N6: an unreadable state file (mode 000) is a running session too" {
	[ "$(id -u)" -ne 0 ] || skip "root reads a file of mode 000; the other damaged forms are tested above"
	guard-git install
	session
	chmod 000 "$STATE"
	damaged_refuses
	chmod 600 "$STATE"
}

@test "N6: a damaged file with no session running refuses through the hook front and guard-git alike" {
	guard-git install
	session
	guard-session end >/dev/null 2>&1
	[ "$(jq -r .status "$STATE")" = ended ]
	# ended: a person's update-ref goes through
	main=$(git rev-parse main)
	git update-ref refs/heads/main "$OWN" && git update-ref refs/heads/main "$main"
	printf '{"id": "%s", "status": "ended"' "$GUARD_SESSION" >"$STATE"
	damaged_refuses
	# guard-git's own hook verb (no front) fails closed alike
	run guard-git hook reference-transaction prepared <<<"$(printf '%040d' 0) $(git rev-parse HEAD) refs/heads/x"
	[ "$status" -ne 0 ]
	[[ $output == *"not a session state file"* ]]
	# a file that is no session's by name is not read: other files in the folder stay out
	rm "$STATE"
	printf 'junk' >.git/guard/sessions/notes.txt
	git update-ref refs/heads/feature HEAD
}

@test "N6: guard-session start refuses while a state file is damaged, naming it; repaired, the usual rules again" {
	session
	guard-session end >/dev/null 2>&1
	cp "$STATE" "$BATS_TEST_TMPDIR/state"
	printf '{}' >"$STATE"
	git checkout -q main
	run --separate-stderr guard-session start --task t2
	echo "$stderr"
	[ "$status" -eq 1 ]
	[[ $stderr == *"$GUARD_SESSION.json' is not a session state file"*"may be a running session"* ]]
	# repaired: the refusal is the policy's own again (the cooldown since the session ended)
	cp "$BATS_TEST_TMPDIR/state" "$STATE"
	run --separate-stderr guard-session start --task t2
	echo "$stderr"
	[[ $stderr != *"not a session state file"* ]]
	[[ $stderr == *"cooldown"* ]]
}

@test "N6: without any session file, a person's update-ref outside a session is allowed" {
	guard-git install
	git checkout -q -b feature
	echo x >>src/main.c && git commit -qam f
	git update-ref refs/heads/main feature
	[ "$(git rev-parse main)" = "$(git rev-parse feature)" ]
}

# ---- N4: a protected branch made a symbolic ref ------------------------------

@test "N4: session: main pointed at the session's branch (git symbolic-ref, or written by hand) is refused at the next update" {
	guard-git install
	session
	echo x >>src/main.c && git commit -qam own
	# git 2.39 runs no reference-transaction for it: the symref is made
	git symbolic-ref refs/heads/main "refs/heads/$OWN"
	[ "$(git rev-parse main)" = "$(git rev-parse "$OWN")" ]
	echo y >>src/main.c
	refused branch.symref git commit -qam own2
	[[ $output == *"'main' is a protected branch"*"symbolic ref to 'refs/heads/$OWN'"* ]]
	# guard-git check names it too
	run guard-git check --base main --head "$OWN"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"branch.symref"* ]]
	# and the session does not end "completed"
	run guard-session end
	echo "$output"
	[ "$(guard-session status --json | jq -r '.ending.kind')" = breach ]
	[ "$(guard-session status --json | jq -r '.ending.limit')" = branch.symref ]
}

@test "N4: a symbolic ref written into .git/refs/heads/master by hand, and develop, are seen alike" {
	guard-git install
	git branch develop
	session
	printf 'ref: refs/heads/%s\n' "$OWN" >.git/refs/heads/develop
	refused branch.symref git commit -q --allow-empty -m e
	[[ $output == *"'develop' is a protected branch"* ]]
	run guard-git check --base main --head "$OWN" --json
	[ "$(jq -r '[.violations[].rule] | index("branch.symref") != null' <<<"$output")" = true ]
}

@test "N4: attended agent (CLAUDECODE): main as a symbolic ref refuses its next commit" {
	guard-git install
	git checkout -q -b feature
	git symbolic-ref refs/heads/main refs/heads/feature
	echo x >>src/main.c
	CLAUDECODE=1 refused branch.symref git commit -qam mine
}

@test "N4: the user's side: HEAD moved by symbolic-ref, and check on a clean range, stay as they were" {
	guard-git install
	git branch feature
	git symbolic-ref HEAD refs/heads/feature
	[ "$(git branch --show-current)" = feature ]
	echo x >>src/main.c && git commit -qam f
	run guard-git check --base main --head feature --branch ai/nightbuilder/2026-01-01/ok
	echo "$output"
	[[ $output != *"branch.symref"* ]]
	# a person outside a session: a symref among non-protected branches is no violation
	git symbolic-ref refs/heads/alias refs/heads/feature
	run guard-git check --base main --head feature --branch ai/nightbuilder/2026-01-01/ok
	[[ $output != *"branch.symref"* ]]
}

# ---- N13: refs/replace/ ----------------------------------------------------------

@test "N13: session: git replace of main's commit, update-ref into refs/replace/ and deleting one are refused" {
	guard-git install
	session
	echo x >>src/main.c && git commit -qam own
	refused ref.replace git replace "$(git rev-parse main)" HEAD
	refused ref.replace git update-ref "refs/replace/$(git rev-parse main)" HEAD
	refused ref.replace git replace --graft main HEAD
	[ -z "$(git for-each-ref refs/replace/)" ]
	[ "$(git log --format=%s -1 main)" = init ]
	# notes are no replacement: allowed
	git notes add -m reviewed HEAD
	[ "$(git notes show HEAD)" = reviewed ]
}

@test "N13: a replacement made before the session is neither deleted nor moved during it; a person's outside works" {
	guard-git install
	git checkout -q -b feature
	echo x >>src/main.c && git commit -qam f
	git checkout -q main
	# the user's side: outside a session, git replace works
	git replace "$(git rev-parse feature)" "$(git rev-parse main)"
	[ -n "$(git for-each-ref refs/replace/)" ]
	session
	echo y >>src/main.c && git commit -qam own
	refused ref.replace git replace -d "$(git rev-parse feature)"
	refused ref.replace git replace -f "$(git rev-parse feature)" HEAD
	[ "$(git for-each-ref --format='%(objectname)' refs/replace/)" = "$(git rev-parse main)" ]
	guard-session end >/dev/null 2>&1
	git replace -d "$(git rev-parse feature)"
	[ -z "$(git for-each-ref refs/replace/)" ]
}

# ---- N9, N10: the policy rolled back through pathspecs and stashes -------------

# step CMD: guard's hook verdict on CMD; the command is run only when allowed (as the agent would).
step() {
	run guard hook claude <<<"$(bash_payload "$1")"
	VERDICT=$(decision_of)
	# an ask is a deny naming the approval a person gives (Claude's hook)
	[[ $VERDICT != deny || $output != *"approval required"* ]] || VERDICT=ask
	echo "# $VERDICT: $1"
	[ "$VERDICT" != allow ] || bash -c "$1" >/dev/null 2>&1
}

policy_repo() {
	mkdir -p .ai
	printf 'version: 1\n# v1\n' >.ai/policy.yaml
	git add -A && git commit -qm v1
	printf 'version: 1\n# v2\n' >.ai/policy.yaml
	git commit -qam v2
}

@test "N9: exclude-only pathspecs from history are asked, attended; the user's own path stays allowed" {
	policy_repo
	for spec in "':!src'" "':^*.c'" "':(exclude)src'" "':(top,exclude)src'" "':/!src'"; do
		step "git checkout HEAD~1 -- $spec"
		[ "$VERDICT" = ask ]
		step "git restore -s HEAD~1 -- $spec"
		[ "$VERDICT" = ask ]
	done
	grep -q v2 .ai/policy.yaml
	echo changed >>src/main.c
	step "git checkout -- src/main.c"
	[ "$VERDICT" = allow ]
	[ "$(cat src/main.c)" = "$(git show HEAD:src/main.c)" ]
	step "git checkout HEAD~1 -- ':!.ai' src/main.c"
	[ "$VERDICT" = allow ]
	grep -q v2 .ai/policy.yaml
}

@test "N10: a stash built of the old policy (hash-object, mktree, commit-tree, stash store) stops at store; pop stays allowed attended, denied unattended" {
	policy_repo
	blob=$(git hash-object -w --stdin <<<'version: 1
default: allow')
	tree=$(printf '040000 tree %s\t.ai\n' "$(printf '100644 blob %s\tpolicy.yaml\n' "$blob" | git mktree)" | git mktree)
	commit=$(git commit-tree -p HEAD -m x "$tree")
	step "git stash store -m wip $commit"
	[ "$VERDICT" = ask ]
	step "git update-ref refs/stash $commit"
	[ "$VERDICT" = ask ]
	[ -z "$(git stash list)" ]
	# the everyday stash round trip of a person's work: allowed attended when
	# its pathspec leaves guard's state out (a plain stash asks: finding A2)
	echo wip >>src/main.c
	step "git stash"
	[ "$VERDICT" = ask ]
	step "git stash push -- src"
	[ "$VERDICT" = allow ]
	step "git stash pop"
	[ "$VERDICT" = allow ]
	grep -q wip src/main.c
	# unattended nobody looks at what comes back
	export GUARD_PROFILE=unattended
	step "git stash pop"
	[ "$VERDICT" = deny ]
	step "git stash apply stash@{0}"
	[ "$VERDICT" = deny ]
	grep -q v2 .ai/policy.yaml
}
