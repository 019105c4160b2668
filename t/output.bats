#!/usr/bin/env bats
# Output: tables and colour on a terminal (NO_COLOR, TERM=dumb honoured), JSONL in pipes, whole tool names.

load helper

setup() {
	setup_guard
	export GUARD_USER_POLICY=$BATS_TEST_TMPDIR/user.yaml
	printf 'principals:\n  alice@example.com: {roles: [admin]}\n' >"$GUARD_USER_POLICY"
	chmod 600 "$GUARD_USER_POLICY"
}

# on a pseudo-terminal: env TERM=... "${pty[@]}" CMD
pty=(python3 "$BATS_TEST_DIRNAME/pty-run.py" --)

esc=$'\033'

@test "guard-audit tail is a table on a terminal, coloured unless NO_COLOR or TERM=dumb, and JSONL in a pipe" {
	guard hook claude <<<"$(bash_payload 'git status')" >/dev/null
	guard hook claude <<<"$(bash_payload 'rm -rf ~')" >/dev/null || true
	run guard-audit tail -n 5
	[ "$status" -eq 0 ]
	jq -e . <<<"$output" >/dev/null
	[[ "$output" != *"$esc"* ]]
	run env TERM=xterm "${pty[@]}" guard-audit tail -n 5
	[ "$status" -eq 0 ]
	[[ "$output" == *"TS"*"EFFECT"*"SUMMARY"* ]]
	[[ "$output" == *"$esc[31mdeny"* ]]
	run env TERM=xterm NO_COLOR=1 "${pty[@]}" guard-audit tail -n 5
	[[ "$output" == *"EFFECT"* ]]
	[[ "$output" != *"$esc["* ]]
	run env TERM=dumb "${pty[@]}" guard-audit tail -n 5
	[[ "$output" == *"EFFECT"* ]]
	[[ "$output" != *"$esc["* ]]
	# --json on a terminal keeps the records
	run env TERM=xterm "${pty[@]}" guard-audit tail -n 1 --json
	[[ "$output" == "{"* ]]
}

@test "the approvals table shows whole tool names and makes control characters visible" {
	guard-approve request --as claude --tool mcp__github__create_pull_request --input '{"title":"x"}' >/dev/null
	guard-approve request --as claude --tool $'mcp__evil\033[2J__x' --input '{}' >/dev/null
	run guard-approve list --as alice@example.com
	[ "$status" -eq 0 ]
	[[ "$output" == *"mcp__github__create_pull_request"* ]]
	[[ "$output" != *"$esc"* ]]
	[[ "$output" == *"mcp__evil"* ]]
	# columns line up: SUMMARY starts at the same place in the header and each row
	header=$(head -1 <<<"$output")
	prefix=${header%%SUMMARY*}
	[ "${#prefix}" -gt 40 ]
	run env TERM=xterm "${pty[@]}" guard-approve list --as alice@example.com
	[[ "$output" == *"$esc[33mpending"* ]]
	run env TERM=xterm NO_COLOR=1 "${pty[@]}" guard-approve list --as alice@example.com
	[[ "$output" != *"$esc["* ]]
}

@test "the wait bar sends no escape codes with TERM=dumb" {
	id=$(guard-approve request --as claude --command 'git push --force origin x')
	run env TERM=dumb "${pty[@]}" guard-approve wait "$id" --timeout 1s
	[[ "$output" != *"$esc"* ]]
	[[ "$output" == *"pending"* ]]
	run env TERM=xterm "${pty[@]}" guard-approve wait "$id" --timeout 1s
	[[ "$output" == *"$esc[K["* ]]
}

@test "guard-session list: JSON Lines in a pipe, a table on a terminal, one array with --json" {
	dir=$(cd "$(git rev-parse --git-common-dir)" && pwd -P)/guard/sessions
	mkdir -p "$dir"
	for id in s1 s2; do
		jq -n --arg id $id '{v:1,id:$id,task:"old",status:"ended",started_at:"2026-01-01T00:00:00.000Z",
			ended_at:"2026-01-01T01:00:00.000Z",last_activity:"2026-01-01T01:00:00.000Z",limits:{},counters:{loc:3}}' >"$dir/$id.json"
	done
	run guard-session list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(jq -sc 'map(.id) | sort' <<<"$output")" = '["s1","s2"]' ]
	run guard-session list --json
	[ "$(jq -c 'map(.id) | sort' <<<"$output")" = '["s1","s2"]' ]
	run env TERM=xterm "${pty[@]}" guard-session list
	[[ "$output" == "id "*"status"* ]]
	[[ "$output" == *"s1 "*"ended"* ]]
}
