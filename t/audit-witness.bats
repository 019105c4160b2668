#!/usr/bin/env bats
# The audit log's witnesses outside the agent's files: checkpoints as
# commits on refs/guard/audit (guard-audit seal, verify --checkpoint-ref),
# and automatic seals from the hook (audit.witness, trusted layers only).

load helper
load audit

# the checkpoints the ref holds, oldest first, as git itself reads them
ref_checkpoints() { # REF
	local c
	for c in $(git rev-list --reverse --first-parent "$1"); do git show "$c:checkpoints.jsonl"; done
}

# the state automatic seals start from (the last seal's seq and time)
witness_state() { compgen -G "$PROJ/.git/guard/audit-*.witness"; }

# a bare remote holding what the user pushed, fetched back as origin's copy
publish() {
	[ -d "$BATS_TEST_TMPDIR/remote.git" ] || git init -q --bare "$BATS_TEST_TMPDIR/remote.git"
	git push -q "$BATS_TEST_TMPDIR/remote.git" refs/guard/audit
	git fetch -q "$BATS_TEST_TMPDIR/remote.git" +refs/guard/audit:refs/remotes/origin/guard/audit
}

hook() { guard hook claude <<<"$(bash_payload "${1:-ls}")" >/dev/null; }

lines_of() { [ -f "$1" ] && wc -l <"$1" || echo 0; }

# conditions for wait_for, read again at each try
seals_are() { [ "$(lines_of "$LOG/seals.jsonl")" -eq "$1" ]; }
ref_commits_are() { [ "$(git rev-list --count refs/guard/audit 2>/dev/null)" = "$1" ]; }

# ---------------------------------------------------------------- refs/guard/audit

@test "seal commits the checkpoint on refs/guard/audit, chained, never on a branch" {
	fill 2
	cp1=$(guard-audit seal)
	[ "$(git rev-list --count refs/guard/audit)" -eq 1 ]
	[ "$(git show refs/guard/audit:checkpoints.jsonl | jq -cS .)" = "$(printf '%s' "$cp1" | jq -cS .)" ]
	[ "$(git log -1 --format='%an <%ae>|%cn' refs/guard/audit)" = "guard-audit <guard-audit@localhost>|guard-audit" ]
	git log -1 --format=%B refs/guard/audit | grep -q "^guard-audit seal: seq 1..2, last hash $(printf '%s' "$cp1" | jq -r .last_hash | cut -c1-12)"
	fill 1
	cp2=$(guard-audit seal)
	[ "$(git rev-list --count refs/guard/audit)" -eq 2 ]
	[ "$(git rev-parse refs/guard/audit^)" = "$(git rev-list --max-parents=0 refs/guard/audit)" ]
	[ "$(ref_checkpoints refs/guard/audit)" = "$(cat "$LOG/seals.jsonl")" ]
	# nothing new: no commit
	guard-audit seal >/dev/null 2>&1
	[ "$(git rev-list --count refs/guard/audit)" -eq 2 ]
	# no branch, index or working tree was touched
	refute git rev-parse -q --verify HEAD
	[ ! -e .git/index ]
	run guard-audit verify --checkpoint-ref refs/guard/audit
	[ "$status" -eq 0 ]
	[[ "$output" == *"held to the checkpoints"* ]]
}

@test "--no-ref skips the ref, and the next seal (or --ref-only) carries what it missed" {
	fill 1
	guard-audit seal --no-ref >/dev/null
	refute git rev-parse -q --verify refs/guard/audit
	fill 1
	guard-audit seal --no-ref >/dev/null
	run guard-audit seal --ref-only
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(ref_checkpoints refs/guard/audit)" = "$(cat "$LOG/seals.jsonl")" ]
	fill 1
	guard-audit seal --no-ref >/dev/null
	fill 1
	guard-audit seal >/dev/null
	[ "$(ref_checkpoints refs/guard/audit)" = "$(cat "$LOG/seals.jsonl")" ]
	run guard-audit seal --ref-only --no-ref
	[ "$status" -eq 2 ]
	[[ "$output" == *"--ref-only, but --no-ref too"* ]]
	# the trusted layers may turn the ref off
	printf 'audit:\n  witness:\n    ref: false\n' >"$BATS_TEST_TMPDIR/user.yaml"
	fill 1
	before=$(git rev-parse refs/guard/audit)
	GUARD_USER_POLICY=$BATS_TEST_TMPDIR/user.yaml guard-audit seal >/dev/null
	[ "$(git rev-parse refs/guard/audit)" = "$before" ]
}

@test "seal from a worktree writes the ref to the repository's common git directory" {
	git -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m base
	git worktree add -q "$BATS_TEST_TMPDIR/wt"
	cd "$BATS_TEST_TMPDIR/wt"
	guard-audit log test.event n=1 >/dev/null
	guard-audit seal >/dev/null
	cd "$PROJ"
	[ "$(git rev-list --count refs/guard/audit)" -eq 1 ]
	git show refs/guard/audit:checkpoints.jsonl | jq -e '.records == 1' >/dev/null
	# the worktree's own log, not the main tree's
	[ ! -e "$LOG/seals.jsonl" ]
}

@test "outside a git repository (GUARD_DIR) seal keeps the checkpoint and says there is no ref" {
	mkdir "$BATS_TEST_TMPDIR/loose"
	cd "$BATS_TEST_TMPDIR/loose"
	GUARD_DIR=$PWD guard-audit log test.event n=1 >/dev/null
	GUARD_DIR=$PWD run --separate-stderr guard-audit seal
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | jq -r .type)" = guard.audit.checkpoint ]
	[[ "$stderr" == *"is in no git repository, so no refs/guard/audit witness"* ]]
	GUARD_DIR=$PWD run guard-audit verify --checkpoint-ref refs/guard/audit
	[ "$status" -eq 5 ]
	[[ "$output" == *"is not in a git repository"* ]]
}

@test "verify --checkpoint-ref: a missing ref, a commit that is not guard-audit's, both options" {
	fill 1
	run guard-audit verify --checkpoint-ref refs/guard/audit
	[ "$status" -eq 5 ]
	[[ "$output" == *"refs/guard/audit: no such ref"* ]]
	guard-audit seal >/dev/null
	run guard-audit verify --checkpoint-ref refs/guard/audit --checkpoint "$LOG/seals.jsonl"
	[ "$status" -eq 2 ]
	[[ "$output" == *"not both"* ]]
	git -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m x
	git update-ref refs/guard/audit HEAD
	run guard-audit verify --checkpoint-ref refs/guard/audit
	[ "$status" -eq 1 ]
	[[ "$output" == *"is not guard-audit's"* ]]
	# and seal will not build on it
	fill 1
	run guard-audit seal
	[ "$status" -eq 1 ]
	[[ "$output" == *"the next seal (or seal --ref-only) records them on refs/guard/audit"* ]]
}

@test "verify --checkpoint-ref catches a cut tail, an edit and a deleted day file, naming the checkpoint" {
	fill 3
	guard-audit seal >/dev/null
	cp "$(logfile)" "$BATS_TEST_TMPDIR/orig"
	sed -i '$d' "$(logfile)"
	run guard-audit verify --checkpoint-ref refs/guard/audit
	[ "$status" -eq 1 ]
	[[ "$output" == *"records were cut from the tail"* ]]
	cp "$BATS_TEST_TMPDIR/orig" "$(logfile)"
	sed -i '2s/"n":"2"/"n":"7"/' "$(logfile)"
	run guard-audit verify --checkpoint-ref refs/guard/audit
	[ "$status" -eq 1 ]
	[[ "$output" == *"seq 2: hash mismatch"* ]]
	rm "$(logfile)"
	run guard-audit verify --checkpoint-ref refs/guard/audit
	[ "$status" -eq 1 ]
	[[ "$output" == *"checkpoint"* ]]
}

# two seals of 3 then 2 records: $old the ref after the first, $sealed after the second
seal_twice() {
	fill 3
	guard-audit seal >/dev/null
	old=$(git rev-parse refs/guard/audit)
	fill 2
	guard-audit seal >/dev/null
	sealed=$(git rev-parse refs/guard/audit)
}

@test "the agent rewinding refs/guard/audit and cutting the log is caught against the remote copy" {
	seal_twice
	publish
	# the agent (as if it could run git): cut the last two records, rewind the ref to the older seal
	head -n 3 "$(logfile)" >"$BATS_TEST_TMPDIR/cut" && cat "$BATS_TEST_TMPDIR/cut" >"$(logfile)"
	head -n 1 "$LOG/seals.jsonl" >"$BATS_TEST_TMPDIR/s" && cat "$BATS_TEST_TMPDIR/s" >"$LOG/seals.jsonl"
	rm -f "$PROJ"/.git/guard/audit-*.synced   # the watermark is another witness; this test is about the ref
	rm -f "$PROJ"/.git/guard/audit-*.ref      # so is where the last seal left the ref (its own tests below)
	git update-ref refs/guard/audit "$old"
	run guard-audit verify --checkpoint-ref refs/guard/audit
	[ "$status" -eq 0 ]
	run guard-audit verify --checkpoint-ref refs/remotes/origin/guard/audit
	[ "$status" -eq 1 ]
	[[ "$output" == *"records were cut from the tail"* ]]
	[[ "$output" == *"the checkpoint sealed"* ]]
}

@test "a forged log with a recomputed chain and a forged ref commit is caught against the remote copy" {
	fill 3
	guard-audit seal >/dev/null
	publish
	# the agent rewrites history: a new log with its own chain, its own seals, its own ref commit
	rm -f "$LOG"/*.jsonl "$PROJ"/.git/guard/audit-*
	for n in 1 2 3; do guard-audit log --fsync never test.event n=forged$n >/dev/null; done
	guard-audit seal --no-ref >/dev/null
	blob=$(git hash-object -w "$LOG/seals.jsonl")
	tree=$(printf '100644 blob %s\tcheckpoints.jsonl\n' "$blob" | git mktree)
	commit=$(GIT_AUTHOR_NAME=guard-audit GIT_AUTHOR_EMAIL=guard-audit@localhost GIT_COMMITTER_NAME=guard-audit \
		GIT_COMMITTER_EMAIL=guard-audit@localhost git commit-tree "$tree" -m 'guard-audit seal: seq 1..3')
	git update-ref refs/guard/audit "$commit"
	run guard-audit verify --checkpoint-ref refs/guard/audit
	[ "$status" -eq 0 ]
	run guard-audit verify --checkpoint-ref refs/remotes/origin/guard/audit
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not match the checkpoint"* ]]
	# and a forged remote-tracking copy cannot survive the user's fetch
	git update-ref refs/remotes/origin/guard/audit "$commit"
	publish 2>/dev/null || git fetch -q "$BATS_TEST_TMPDIR/remote.git" +refs/guard/audit:refs/remotes/origin/guard/audit
	run guard-audit verify --checkpoint-ref refs/remotes/origin/guard/audit
	[ "$status" -eq 1 ]
}

# ---------------------------------------------------------------- the ref where the last seal left it (attack7 H21)

# a nested repository the agent controls, with a branch of its own and no refs/guard
nested() {
	git init -q src/n
	git -C src/n -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m n
}

@test "a fetch --prune of refs/* deletes the seal ref: verify and doctor say so, seal will not paper over it" {
	fill 2
	guard-audit seal >/dev/null
	sealed=$(git rev-parse refs/guard/audit)
	run guard-audit verify
	[ "$status" -eq 0 ]
	nested
	# the attack as attacker-7 ran it (git itself, not through the hook)
	git fetch -q --prune --update-head-ok src/n '+refs/*:refs/*'
	refute git rev-parse -q --verify refs/guard/audit
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"refs/guard/audit is missing, but the last seal left it at commit ${sealed:0:12}"* ]]
	[[ "$output" == *"git update-ref refs/guard/audit $sealed"* ]]
	run guard-audit verify --checkpoint "$LOG/seals.jsonl"
	[ "$status" -eq 1 ]
	run guard doctor
	[ "$status" -ne 0 ]
	[[ "$output" == *"audit: refs/guard/audit is missing, but the last seal left it at commit ${sealed:0:12}"* ]]
	# a later seal does not quietly start a fresh ref
	fill 1
	run guard-audit seal
	[ "$status" -eq 1 ]
	refute git rev-parse -q --verify refs/guard/audit
	# the person puts it back: all is well again, and the next seal builds on it
	git update-ref refs/guard/audit "$sealed"
	run guard-audit verify
	[ "$status" -eq 0 ]
	run guard-audit seal
	[ "$status" -eq 0 ]
	[ "$(git rev-parse refs/guard/audit^)" = "$sealed" ]
	run guard-audit verify --checkpoint-ref refs/guard/audit
	[ "$status" -eq 0 ]
}

@test "a seal ref replaced (fetched over, rewound, pointed elsewhere) fails verify and doctor" {
	seal_twice
	# rewound to an older genuine seal
	git update-ref refs/guard/audit "$old"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"refs/guard/audit points at ${old:0:12}, but the last seal left it at commit ${sealed:0:12}"* ]]
	run guard doctor
	[ "$status" -ne 0 ]
	[[ "$output" == *"points at ${old:0:12}, but the last seal left it at ${sealed:0:12}"* ]]
	# replaced by a fetch from a repository holding its own refs/guard/audit
	nested
	git -C src/n update-ref refs/guard/audit "$(git -C src/n rev-parse HEAD)"
	git update-ref refs/guard/audit "$sealed"
	git fetch -q src/n '+refs/guard/*:refs/guard/*'
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"points at $(git -C src/n rev-parse --short=12 HEAD)"* ]]
	# a damaged record of it is a problem too, never a pass
	git update-ref refs/guard/audit "$sealed"
	printf 'guard-audit-ref 1 nothex\n' >"$(compgen -G "$PROJ/.git/guard/audit-*.ref")"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"is damaged"* ]]
	run guard doctor
	[[ "$output" == *"is damaged"* ]]
}

@test "--no-ref seals write no seal-ref record: verify and doctor stay as they were" {
	fill 1
	guard-audit seal --no-ref >/dev/null
	run guard-audit verify
	[ "$status" -eq 0 ]
	[ -z "$(compgen -G "$PROJ/.git/guard/audit-*.ref")" ]
	run guard doctor
	[[ "$output" != *"refs/guard/audit"* ]]
}

@test "concurrent seals never lose a checkpoint on the ref" {
	local pids=()
	for round in 1 2 3; do
		for i in 1 2 3 4; do
			guard-audit log test.event n=$round.$i >/dev/null
			guard-audit seal >/dev/null 2>"$BATS_TEST_TMPDIR/err.$round.$i" &
			pids+=($!)
		done
		for p in "${pids[@]}"; do wait "$p" || cat "$BATS_TEST_TMPDIR"/err.* >&2; done
		pids=()
	done
	# a seal that lost both races says so; whatever it missed, the next one carries
	guard-audit seal >/dev/null 2>&1 || true
	guard-audit seal --ref-only
	[ "$(ref_checkpoints refs/guard/audit)" = "$(cat "$LOG/seals.jsonl")" ]
	run guard-audit verify --checkpoint-ref refs/guard/audit
	[ "$status" -eq 0 ]
	[[ "$output" == *"12 records"* ]]
}

@test "the hook denies the agent's writes to refs/guard/audit and its files, and allows reading it" {
	fill 1
	guard-audit seal >/dev/null
	for cmd in 'git update-ref refs/guard/audit HEAD' 'git update-ref -d refs/guard/audit' \
		'git push --force origin refs/guard/audit' 'rm .git/refs/guard/audit' "sed -i /guard/d .git/packed-refs"; do
		run guard hook claude <<<"$(bash_payload "$cmd")"
		echo "$cmd: $output"
		[ "$(decision_of)" = deny ]
		[[ "$output" == *"guard"* ]]
	done
	for file in .git/packed-refs .git/refs/guard/audit; do
		run guard hook claude <<<"$(tool_payload Write "$(jq -cn --arg f "$PROJ/$file" '{file_path:$f,content:"x"}')")"
		[ "$(decision_of)" = deny ]
	done
	run guard hook claude <<<"$(bash_payload 'git log refs/guard/audit')"
	[ "$(decision_of)" = allow ]
	git rev-parse -q --verify refs/guard/audit >/dev/null
}

# ---------------------------------------------------------------- automatic seals

@test "audit.witness every_records: the hook seals on its own after N records" {
	printf 'audit:\n  witness:\n    every_records: 3\n' >"$BATS_TEST_TMPDIR/user.yaml"
	export GUARD_USER_POLICY=$BATS_TEST_TMPDIR/user.yaml
	hook
	hook
	[ "$(lines_of "$LOG/seals.jsonl")" -eq 0 ]
	refute witness_state
	hook
	wait_for "the first automatic seal" test -s "$LOG/seals.jsonl"
	wait_for "the ref" git rev-parse -q --verify refs/guard/audit
	[ "$(jq -r .last_seq "$LOG/seals.jsonl")" -ge 3 ]
	hook; hook; hook
	wait_for "the second automatic seal" seals_are 2
	wait_for "the ref to carry it" ref_commits_are 2
	[ "$(ref_checkpoints refs/guard/audit)" = "$(cat "$LOG/seals.jsonl")" ]
	guard-audit verify --checkpoint-ref refs/guard/audit
}

# the last automatic seal's stderr, kept in the state folder
seal_error() { compgen -G "$PROJ/.git/guard/audit-*.seal-error"; }
seal_error_says() { local f; f=$(seal_error) && grep -q "$1" "$f"; }

@test "an automatic seal that fails leaves its reason, and guard doctor shows it until one succeeds" {
	printf 'audit:\n  witness:\n    every_records: 3\n    ref: false\n' >"$BATS_TEST_TMPDIR/user.yaml"
	export GUARD_USER_POLICY=$BATS_TEST_TMPDIR/user.yaml
	hook 'echo first-call'
	hook
	# the agent's kind of damage: a record changed in place, so the seal's verify fails
	day=$(compgen -G "$LOG/[0-9]*.jsonl")
	sed -i 's/first-call/first-cal1/' "$day"
	hook
	wait_for "the failed seal's reason" seal_error_says "ended with an error"
	[ ! -e "$LOG/seals.jsonl" ]
	[ "$(stat -c %a "$(seal_error)")" = 600 ]
	run guard doctor
	[[ "$output" == *"the last automatic seal ("*") failed: "* ]]
	[[ "$output" == *"run guard-audit seal to see why"* ]]
	[[ "$output" == *"problem"* ]]
	# the log mended, the next seal due succeeds and empties the file: doctor is quiet again
	sed -i 's/first-cal1/first-call/' "$day"
	hook
	hook
	hook
	wait_for "the seal after the mend" test -s "$LOG/seals.jsonl"
	wait_for "the reason cleared" bash -c '! test -s "$1"' _ "$(seal_error)"
	run guard doctor
	[[ "$output" != *"automatic seal"* ]]
}

@test "audit.witness every (a duration): the hook seals once the time has passed, without a record count" {
	printf 'audit:\n  witness:\n    every: 1s\n    ref: false\n' >"$BATS_TEST_TMPDIR/user.yaml"
	export GUARD_USER_POLICY=$BATS_TEST_TMPDIR/user.yaml
	# never sealed: the first record is due
	hook
	wait_for "the first automatic seal" test -s "$LOG/seals.jsonl"
	# later hook calls seal again only once a second has passed since: keep calling until one does
	hook_until_two() { hook; [ "$(lines_of "$LOG/seals.jsonl")" -ge 2 ]; }
	wait_for "a second seal after 1s" hook_until_two
	refute git rev-parse -q --verify refs/guard/audit
	# the state is the seal's own (seq and time), kept in the state folder
	grep -Eq '^guard-audit-witness 1 [0-9]{20} [0-9]{20}$' "$(witness_state)"
}

@test "the project layer cannot set audit.witness (it would seal, or not, on the agent's word)" {
	mkdir -p .ai && printf 'audit:\n  witness:\n    every_records: 1\n' >.ai/policy.yaml
	hook
	hook
	# the claim is written before a seal starts: none means none was started
	refute witness_state
	[ ! -e "$LOG/seals.jsonl" ]
	# a trusted layer's schedule is not undone by the project layer either
	printf 'audit:\n  witness:\n    every_records: 2\n' >"$BATS_TEST_TMPDIR/user.yaml"
	printf 'audit:\n  witness:\n    every_records: 100000\n' >.ai/policy.yaml
	export GUARD_USER_POLICY=$BATS_TEST_TMPDIR/user.yaml
	hook
	wait_for "the trusted layer's seal" test -s "$LOG/seals.jsonl"
}

@test "audit.witness is checked: bad counts, durations and shapes are named" {
	printf 'audit:\n  witness:\n    every_records: 0\n    every: soon\n    syslog: maybe\n    ref: 1\n' \
		>"$BATS_TEST_TMPDIR/user.yaml"
	GUARD_USER_POLICY=$BATS_TEST_TMPDIR/user.yaml run guard-policy --validate "$BATS_TEST_TMPDIR/user.yaml"
	[ "$status" -ne 0 ]
	[[ "$output" == *"every_records"* ]]
	[[ "$output" == *"every"* ]]
	[[ "$output" == *"audit.witness.syslog"* ]]
	[[ "$output" == *"ref"* ]]
	printf 'audit:\n  witness:\n    syslog: false\n    every_minutes: 5\n' >"$BATS_TEST_TMPDIR/ok.yaml"
	run guard-policy --validate "$BATS_TEST_TMPDIR/ok.yaml"
	[ "$status" -eq 0 ]
}

@test "audit.witness syslog: false keeps the checkpoints off syslog" {
	printf 'audit:\n  witness:\n    syslog: false\n' >"$BATS_TEST_TMPDIR/user.yaml"
	fill 1
	# (its status is not looked at: under ASan, LeakSanitizer cannot run under ptrace and exits 99)
	GUARD_USER_POLICY=$BATS_TEST_TMPDIR/user.yaml strace -f -s 4096 -e trace=connect,sendto \
		-e inject=connect:retval=0 -o "$BATS_TEST_TMPDIR/st" guard-audit seal >"$BATS_TEST_TMPDIR/cp" 2>/dev/null || true
	[ "$(wc -l <"$BATS_TEST_TMPDIR/cp")" -eq 1 ]
	refute grep -q 'guard.audit.checkpoint' "$BATS_TEST_TMPDIR/st"
}
