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

@test "guard-audit tail and query never hand a terminal the agent's C1 controls or bidi overrides (attack9 J23)" {
	c1=$'\u009b' rlo=$'\u202e' del=$'\x7f'
	guard hook claude <<<"$(bash_payload "echo t${c1}2J${rlo}gnp.exe${del}x")" >/dev/null
	# in a pipe the lines stay byte for byte as logged
	run guard-audit tail -n 1
	[[ "$output" == *"$c1"* ]]
	for mode in "tail -n 1 --json" "tail -n 1" "query --json" "query"; do
		run env TERM=xterm "${pty[@]}" guard-audit $mode
		[ "$status" -eq 0 ]
		[[ "$output" != *"$c1"* ]] || { echo "# $mode: raw C1" >&2; false; }
		[[ "$output" != *"$rlo"* ]] || { echo "# $mode: raw U+202E" >&2; false; }
		[[ "$output" != *"$del"* ]] || { echo "# $mode: raw DEL" >&2; false; }
	done
	run env TERM=xterm "${pty[@]}" guard-audit tail -n 1 --json
	[[ "$output" == *'\u009B2J\u202Egnp.exe\u007Fx'* ]]
	# the escapes are JSON: the record reads back the same
	summary=$(printf '%s' "$output" | tr -d '\r' | jq -r .summary)
	[[ "$summary" == *"t${c1}2J${rlo}gnp.exe${del}x"* ]]
}

@test "the approvals table shows whole tool names and makes control characters visible" {
	guard-approve request --as claude --tool mcp__github__create_pull_request --input '{"title":"x"}' >/dev/null
	guard-approve request --as claude --tool $'mcp__evil\033[2J__x' --input '{}' >/dev/null
	run guard-approve list --table --as alice@example.com
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

@test "guard-approve list: JSON Lines in a pipe, a table on a terminal, --table and --json force either" {
	a=$(guard-approve request --as claude --command 'git push --force origin a')
	b=$(guard-approve request --as claude --tool mcp__github__create_pull_request --input '{"title":"x"}')
	run --separate-stderr guard-approve list --as alice@example.com
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	both=$(jq -nc --arg a "$a" --arg b "$b" '[$a, $b] | sort')   # two requests of one millisecond sort by id
	[ "$(jq -sc 'map(.id) | sort' <<<"$output")" = "$both" ]
	[ "$(jq -sr 'map(.status) | unique | .[]' <<<"$output")" = pending ]
	[[ "$output" != *"$esc"* ]]
	[ -z "$stderr" ]
	# --json is still one array, --table the table in a pipe
	run guard-approve list --as alice@example.com --json
	[ "$(jq -c 'map(.id) | sort' <<<"$output")" = "$both" ]
	run guard-approve list --as alice@example.com --table
	[[ "${lines[0]}" == "ID "*"STATUS"*"SUMMARY" ]]
	[ "${#lines[@]}" -eq 3 ]
	# an empty list in a pipe is empty, not a header
	run guard-approve list --as alice@example.com --status rejected
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# a terminal: the table, coloured unless TERM=dumb or NO_COLOR; --json wins there
	run env TERM=xterm "${pty[@]}" guard-approve list --as alice@example.com
	[[ "$output" == "ID "*"STATUS"* ]]
	[[ "$output" == *"$esc[33mpending"* ]]
	run env TERM=dumb "${pty[@]}" guard-approve list --as alice@example.com
	[[ "$output" == "ID "*"STATUS"* ]]
	[[ "$output" != *"$esc"* ]]
	run env TERM=xterm "${pty[@]}" guard-approve list --as alice@example.com --json
	[[ "$output" == "["* ]]
	# an expired request says so in the pipe too (the state as of now, not the file's word)
	run guard-approve list --as alice@example.com --status expired
	[ -z "$output" ]
}

@test "guard-audit query: JSON Lines in a pipe, a table on a terminal, --table in a pipe, --json on a terminal" {
	guard hook claude <<<"$(bash_payload 'rm -rf ~')" >/dev/null || true
	run guard-audit query
	[ "$status" -eq 0 ]
	jq -e 'select(.decision.effect == "deny")' <<<"$output" >/dev/null
	run guard-audit query --table
	[[ "${lines[0]}" == *"EFFECT"* ]]
	[[ "$output" != *"$esc"* ]]
	run env TERM=xterm "${pty[@]}" guard-audit query
	[[ "$output" == *"EFFECT"* ]]
	[[ "$output" == *"$esc[31mdeny"* ]]
	run env TERM=xterm NO_COLOR=1 "${pty[@]}" guard-audit query
	[[ "$output" == *"EFFECT"* ]]
	[[ "$output" != *"$esc["* ]]
	run env TERM=xterm "${pty[@]}" guard-audit query --json
	[[ "$output" == "{"* ]]
}

@test "guard-session list --table forces the table in a pipe" {
	dir=$(cd "$(git rev-parse --git-common-dir)" && pwd -P)/guard/sessions
	mkdir -p "$dir"
	jq -n '{v:1,id:"s1",task:"old",status:"ended",started_at:"2026-01-01T00:00:00.000Z",
		ended_at:"2026-01-01T01:00:00.000Z",last_activity:"2026-01-01T01:00:00.000Z",limits:{},counters:{loc:3}}' >"$dir/s1.json"
	run guard-session list --table
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "id "*"status"* ]]
	[[ "${lines[1]}" == "s1 "*"ended"* ]]
	run env TERM=xterm "${pty[@]}" guard-session list --json
	[ "$(jq -c 'map(.id)' <<<"$output" | tr -d '\r')" = '["s1"]' ]
}

@test "guard-scan rules: JSON Lines in a pipe, a table on a terminal; other formats refused" {
	run guard-scan rules
	[ "$status" -eq 0 ]
	[ "$(jq -s 'length' <<<"$output")" -gt 5 ]
	jq -se 'all(.id and .severity)' <<<"$output" >/dev/null
	n=${#lines[@]}
	run env TERM=xterm "${pty[@]}" guard-scan rules
	[ "$status" -eq 0 ]
	[[ "$output" != "{"* ]]
	[ "$(grep -c . <<<"$output")" -eq "$n" ]
	run guard-scan rules --table
	[[ "$output" != *"{"* ]]
	run env TERM=xterm "${pty[@]}" guard-scan rules --json
	[[ "$output" == "{"* ]]
	run guard-scan rules --format sarif
	[ "$status" -eq 2 ]
	[[ "$output" == *"table or jsonl"* ]]
}

@test "an error message quoting a name the agent chose shows its control bytes and bidi overrides escaped, never raw (J23's family)" {
	n=$'zz\e]0;pwned\a\e[2J\u202e'
	shown='zz\u001B]0;pwned\u0007\u001B[2J\u202E'
	for c in "guard-audit verify --checkpoint-ref" "guard-session status --id" "guard-scan files" \
		"guard-git check --head HEAD --base"; do
		run --separate-stderr $c "$n"
		[ "$status" -ne 0 ]
		[[ "$stderr" != *$'\e'* && "$stderr" != *$'\a'* && "$stderr" != *$'\u202e'* ]] ||
			{ echo "# $c: raw controls in: $stderr" >&2; false; }
		[[ "$stderr" == *"$shown"* ]] || { echo "# $c: $stderr" >&2; false; }
	done
	# a name without them is printed as it is
	run --separate-stderr guard-scan files no-such-file.txt
	[[ "$stderr" == *"cannot scan no-such-file.txt: no such file"* ]]
}
