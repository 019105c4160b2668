#!/usr/bin/env bats
# Fail-closed promises, proven by making the system call fail: the
# preload shim t/inject/inject.c fails the Nth open/read/write/fsync/
# rename/flock/ftruncate/malloc on a path pattern (GUARD_INJECT), and each
# case shows the action refused and nothing half-written. Every case also
# checks the shim's log, so a pattern that stopped matching fails the test
# instead of passing it by doing nothing.

load helper

setup() {
	setup_guard
	INJECT_SO=$REPO_ROOT/build/inject.so
	[ "${GUARD_PASS:-plain}" = san ] && INJECT_SO=$REPO_ROOT/build/san/inject.so
	if [ ! -f "$INJECT_SO" ]; then
		echo "# $INJECT_SO is missing: run make unit" >&2
		return 1
	fi
	INJECT_LOG=$BATS_TEST_TMPDIR/inject.log
	payload=$(bash_payload 'npm test')
}

# inject RULES CMD...: CMD with the shim preloaded. ASan wants its runtime
# first among the libraries; the shim must come first to see the calls, and
# does not touch what ASan checks, so the order check is turned off.
inject() {
	local rules=$1
	shift
	rm -f "$INJECT_LOG"
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		LD_PRELOAD=$INJECT_SO GUARD_INJECT=$rules GUARD_INJECT_LOG=$INJECT_LOG "$@"
}

# injected OP: the shim's log shows an OP failure injected.
injected() {
	grep -q "^$1 " "$INJECT_LOG" || { echo "# no $1 failure was injected" >&2; return 1; }
}

# A hook answer that blocks: exit 2 and, for Claude, a JSON deny.
denied_closed() {
	[ "$status" -eq 2 ]
	[ "$(printf '%s' "$output" | head -n1 | jq -r .hookSpecificOutput.permissionDecision)" = deny ]
	[[ "$output" == *"failing closed"* ]]
}

audit_file() { echo "$PROJ/.ai/audit/$(date -u +%F).jsonl"; }

# The project keeps fsync: always, so each hook call syncs its record.
audit_always() {
	mkdir -p .ai
	printf 'version: 1\naudit:\n  fsync: always\n' >.ai/policy.yaml
}

# ---------------------------------------------------------------- the shim

@test "the shim refuses a rule it cannot read, and logs what it injects" {
	run inject 'frobnicate:1' guard --version
	[ "$status" -eq 125 ]
	[[ "$output" == *"cannot read GUARD_INJECT='frobnicate:1'"* ]]
	run inject 'open:0' guard --version
	[ "$status" -eq 125 ]
	# a rule that matches nothing changes nothing
	run inject 'write:1:*/no-such-dir/*' guard hook claude <<<"$payload"
	[ "$status" -eq 0 ]
	[ "$(decision_of)" = allow ]
	[ ! -e "$INJECT_LOG" ]
}

# ---------------------------------------------------------------- the audit log

@test "audit: a failed write, fsync, open or lock of the log denies, and leaves no torn line" {
	audit_always
	run guard hook claude <<<"$payload"
	[ "$status" -eq 0 ]
	[ "$(decision_of)" = allow ]
	f=$(audit_file)
	for rule in 'write:1:*/.ai/audit/*.jsonl' 'fsync:1:*/.ai/audit/*.jsonl' 'open:1:*/.ai/audit/*.jsonl' \
		    'flock:1:*/.ai/audit/.lock' 'write:1+:*/.ai/audit/*.jsonl' 'short:1:*.jsonl,write:2:*.jsonl'; do
		echo "# $rule"
		cp "$f" "$BATS_TEST_TMPDIR/before"
		run --separate-stderr inject "$rule" guard hook claude <<<"$payload"
		denied_closed
		[[ "$stderr" == *"audit record cannot be written, so the action is denied"* ]]
		injected "${rule%%:*}"
		# nothing half-written: the file ends with a whole line, and the
		# chain verifies; only a failed fsync keeps its (whole) record
		[ "$(tail -c1 "$f" | od -An -c | tr -d ' ')" = '\n' ]
		[ ! -e "$f.torn" ]
		[[ "$rule" == fsync* ]] || cmp "$BATS_TEST_TMPDIR/before" "$f"
		run guard-audit verify
		[ "$status" -eq 0 ]
	done
}

@test "audit: a call the hook fails on after reading the policy is denied and the log records the deny" {
	# attack8: a scan past its deadline denied the call and left no record of it
	run guard hook claude <<<"$payload"
	[ "$(decision_of)" = allow ]
	f=$(audit_file)
	mkdir -p src
	python3 -c "open('src/big.txt','w').write('token AAAAAAAAAAAAAAAA\n' * 20000)"
	edit=$(jq -cn --arg p "$PROJ/src/big.txt" '{file_path:$p, old_string:"token AAAAAAAAAAAAAAAA\n", new_string:"x\n"}')
	before=$(wc -l <"$f")
	GUARD_SCAN_DEADLINE_MS=1 run --separate-stderr guard hook claude <<<"$(tool_payload Edit "$edit")"
	[ "$status" -eq 2 ]
	[ "$(decision_of)" = deny ]
	[ "$(wc -l <"$f")" -eq $((before + 1)) ]
	rec=$(tail -n1 "$f")
	[ "$(jq -r .tool <<<"$rec")" = Edit ]
	[ "$(jq -r .decision.effect <<<"$rec")" = deny ]
	[[ "$(jq -r .decision.rule <<<"$rec")" == guard.* ]]
	[[ "$(jq -r .decision.reason <<<"$rec")" == *"did not finish in time"* ]]
	# a payload refused for what it holds (a NUL) is recorded the same way, with the reply's words
	nul=$(printf '{"session_id":"s1","cwd":"%s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"echo a\\u0000; rm -rf src"}}' "$PROJ")
	run --separate-stderr guard hook claude <<<"$nul"
	[ "$status" -eq 2 ]
	[ "$(decision_of)" = deny ]
	rec=$(tail -n1 "$f")
	[ "$(wc -l <"$f")" -eq $((before + 2)) ]
	[ "$(jq -r .decision.effect <<<"$rec")" = deny ]
	[ "$(jq -r .decision.rule <<<"$rec")" = guard.invalid-input ]
	[[ "$(jq -r .decision.reason <<<"$rec")" == *"NUL"* ]]
	[[ "$(jq -r .hookSpecificOutput.permissionDecisionReason <<<"$output")" == *"NUL"* ]]
	run guard-audit verify
	[ "$status" -eq 0 ]
}

@test "audit: a torn write that cannot be cut back is denied, then moved aside by the next append" {
	audit_always
	run guard hook claude <<<"$payload"
	[ "$(decision_of)" = allow ]
	f=$(audit_file)
	# the disk fills mid-record, and the file cannot be cut back either
	run --separate-stderr inject 'short:1:*.jsonl,write:2:*.jsonl,ftruncate:1:*.jsonl' guard hook claude <<<"$payload"
	denied_closed
	injected short
	injected ftruncate
	# never synced and shorter than a record: what a crash leaves, accepted with a note
	run guard-audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *"torn"* ]]
	# the next writer keeps the fragment in .torn and says so in the chain
	run guard hook claude <<<"$payload"
	[ "$status" -eq 0 ]
	[ "$(decision_of)" = allow ]
	[ -s "$f.torn" ]
	[ "$(jq -r .event "$f" | tail -n2 | head -n1)" = audit.torn ]
	run guard-audit verify
	[ "$status" -eq 0 ]
}

# A pending request ($id, file $req, a copy of it in $BATS_TEST_TMPDIR/req) and alice as its reviewer.
pending_request() {
	id=$(guard-approve request --as claude --command 'git push --force origin fix/parser')
	printf 'principals:\n  alice@example.com: {roles: [admin]}\n' >"$HOME/policy.yaml"
	chmod 600 "$HOME/policy.yaml"
	export GUARD_USER_POLICY=$HOME/policy.yaml
	req=$PROJ/.ai/approvals/$id.json
	cp "$req" "$BATS_TEST_TMPDIR/req"
}

@test "audit: a failed lock or write of the log also refuses an approval decision" {
	pending_request
	for rule in 'flock:1:*/.ai/audit/.lock' 'write:1:*/.ai/audit/*.jsonl'; do
		run inject "$rule" guard-approve approve "$id" --as alice@example.com
		[ "$status" -eq 8 ]
		injected "${rule%%:*}"
		cmp "$BATS_TEST_TMPDIR/req" "$req"
	done
}

# ---------------------------------------------------------------- approvals

@test "approve: a failed save leaves the request file byte for byte as it was" {
	pending_request
	for rule in 'rename:1:*/.ai/approvals/*.json' 'write:1:*/.ai/approvals/.tmp/*' \
		    'fsync:1:*/.ai/approvals/.tmp/*' 'open:1:*/.ai/approvals/.tmp/*' \
		    'flock:1:*/.ai/approvals/.lock' 'flock:1:*/.ai/approvals/.locks/*'; do
		echo "# $rule"
		run inject "$rule" guard-approve approve "$id" --as alice@example.com
		[ "$status" -eq 8 ]
		injected "${rule%%:*}"
		cmp "$BATS_TEST_TMPDIR/req" "$req"
		# no staged copy left behind, and the request still pending
		[ -z "$(ls -A "$PROJ/.ai/approvals/.tmp" 2>/dev/null)" ]
		run guard-approve status "$id"
		[ "$status" -eq 3 ]
		# the log already held the decision: its next record says it did not take effect
		last=$(jq -c --arg id "$id" 'select(.approval.id == $id)' "$PROJ"/.ai/audit/*.jsonl | tail -n1)
		[ "$(jq -r .approval.status <<<"$last")" = pending ]
		[ -n "$(jq -r '.approval.not_saved // empty' <<<"$last")" ]
	done
	run guard-audit verify
	[ "$status" -eq 0 ]
	# and the gate still refuses the action
	run guard hook claude <<<"$(bash_payload 'git push --force origin fix/parser')"
	[ "$(decision_of)" = deny ]
	# once nothing fails, the same approval goes through
	run guard-approve approve "$id" --as alice@example.com
	[ "$status" -eq 0 ]
	run guard-approve status "$id"
	[ "$status" -eq 0 ]
}

@test "approve: a folder that cannot be synced after the save still reports the decision it made" {
	pending_request
	run --separate-stderr inject 'fsync:1:*/.ai/approvals' guard-approve approve "$id" --as alice@example.com
	injected fsync
	# the request file is in place, so the approval is made: exit 0, with a warning saying what may be lost
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"warning: $id is decided, but a crash could undo it"* ]]
	run guard-approve status "$id"
	[ "$status" -eq 0 ]
	[ "$(jq -r .approval.status <(jq -c --arg id "$id" 'select(.approval.id == $id)' "$PROJ"/.ai/audit/*.jsonl | tail -n1))" = approved ]
}

# ---------------------------------------------------------------- sessions

session_repo() {
	git config user.email t@example.com
	git config user.name tester
	git checkout -q -b main
	printf 'one\n' >README
	git add -A && git commit -qm init
}

@test "session start: a failed state write refuses the start and leaves no state behind" {
	session_repo
	for rule in 'write:1:*/.git/guard/sessions/*.json.tmp.*' 'fsync:1:*/.git/guard/sessions/*.json.tmp.*' \
		    'rename:1:*/.git/guard/sessions/*.json' 'open:1:*/.git/guard/sessions/*.json.tmp.*' \
		    'flock:1:*/.git/guard/sessions/*.lock'; do
		echo "# $rule"
		git checkout -q main
		run --separate-stderr inject "$rule" guard-session start --task t1
		[ "$status" -eq 8 ]
		[ -z "$output" ] # no "export GUARD_SESSION=" to act on
		injected "${rule%%:*}"
		[ -z "$(find .git/guard/sessions .ai/sessions -name '*.json*' 2>/dev/null)" ]
		run guard-session list --json
		[ "$status" -eq 0 ]
		[ "$(printf '%s' "$output" | jq length)" -eq 0 ]
	done
	# nothing was left that blocks the next start
	git checkout -q main
	run --separate-stderr guard-session start --task t1
	[ "$status" -eq 0 ]
	[[ "$output" == "export GUARD_SESSION="* ]]
}

@test "session start: a failed state write leaves the working tree on the branch it was on" {
	session_repo
	run inject 'rename:1:*/.git/guard/sessions/*.json' guard-session start --task t1
	[ "$status" -eq 8 ]
	[ "$(git branch --show-current)" = main ]
}

@test "session start: a failed audit or session-log write after the state is saved leaves no running session" {
	session_repo
	run inject 'write:1:*/.ai/audit/*.jsonl' guard-session start --task t1
	[ "$status" -eq 8 ]
	injected write
	# it counts toward the day (it was started), but nothing runs under it
	run guard-session list --json
	[ "$(printf '%s' "$output" | jq '[.[] | select(.status == "running")] | length')" -eq 0 ]
	[ "$(printf '%s' "$output" | jq -r '.[0].end_reason')" = "the start could not be recorded" ]
}

# ---------------------------------------------------------------- policy

@test "policy: a failed open or read of any policy layer denies" {
	mkdir -p .ai "$HOME/.config/guard"
	printf 'version: 1\n' >.ai/policy.yaml
	printf 'version: 1\n' >"$HOME/.config/guard/policy.yaml"
	chmod 600 "$HOME/.config/guard/policy.yaml"
	for rule in 'open:1:*/.ai/policy.yaml' 'read:1:*/.ai/policy.yaml' 'read:2:*/.ai/policy.yaml' \
		    'open:1:*/policy/default.yaml' 'read:1:*/policy/default.yaml' 'read:2:*/policy/default.yaml' \
		    'open:1:*/.config/guard/policy.yaml' 'read:1:*/.config/guard/policy.yaml'; do
		echo "# $rule"
		run --separate-stderr inject "$rule" guard hook claude <<<"$payload"
		denied_closed
		[[ "$stderr" == *"policy invalid"* ]]
		injected "${rule%%:*}"
	done
	run guard hook claude <<<"$payload"
	[ "$(decision_of)" = allow ]
}

# ---------------------------------------------------------------- memory

# sweep_malloc CMD EXPECT: the hook on CMD with its Nth allocation failing,
# for every N until one runs with no failure left to inject. Each answer
# is exit 2, or exit 0 with EXPECT (a failure a library got around), never
# anything else, nor a crash; an allow must have its audit record. The sanitizer pass
# steps through N faster: ASan multiplies both the calls and their cost.
# (No `run` here: it would double the time of a few hundred calls.)
sweep_malloc() {
	local p n=1 step=1 st records=0 now out=$BATS_TEST_TMPDIR/out err=$BATS_TEST_TMPDIR/err
	p=$(bash_payload "$1")
	[ "${GUARD_PASS:-plain}" = san ] && step=41
	while :; do
		st=0
		inject "malloc:$n" guard hook claude <<<"$p" >"$out" 2>"$err" || st=$?
		[ -s "$INJECT_LOG" ] || break
		# a crash turned into exit 2 by the hook's handler is still a crash
		if grep -q 'fatal signal' "$err"; then
			echo "# malloc:$n -> $(cat "$err")"
			return 1
		fi
		if [ "$st" -ne 2 ]; then
			echo "# malloc:$n -> exit $st: $(cat "$err")"
			[ "$st" -eq 0 ]
			[ "$(jq -r .hookSpecificOutput.permissionDecision "$out")" = "$2" ]
			if [ "$2" = allow ]; then
				now=$(cat .ai/audit/*.jsonl | wc -l)
				[ "$now" -gt "$records" ]
				records=$now
			fi
		fi
		n=$((n + step))
	done
	echo "# $n allocations swept"
	[ "$n" -gt 20 ]
	[ "$st" -eq 0 ]
	[ "$(jq -r .hookSpecificOutput.permissionDecision "$out")" = "$2" ]
	run guard-audit verify
	[ "$status" -eq 0 ]
}

@test "memory: the hook out of memory at any allocation still denies rm -rf /" {
	sweep_malloc 'rm -rf /' deny
}

@test "memory: the hook out of memory at any allocation allows npm test only with its record written" {
	sweep_malloc 'npm test' allow
}
