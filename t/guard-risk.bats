#!/usr/bin/env bats
# guard-risk: the risk filter and the one-command modes.

load helper

setup() { setup_guard; }

@test "guard-risk --help goes to stdout with exit 0; a bad option is exit 2" {
	run guard-risk --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: guard-risk"* ]]
	run guard-risk --nope
	[ "$status" -eq 2 ]
	run guard-risk extra-arg
	[ "$status" -eq 2 ]
	run guard-risk --cwd /tmp
	[ "$status" -eq 2 ]
	[[ "$output" == *"--cwd goes with --command"* ]]
}

@test "guard-risk --command rates one command as JSON" {
	run guard-risk --command 'rm -rf /'
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | jq -r .level)" = critical ]
	[ "$(printf '%s' "$output" | jq -r .class)" = D ]
	[ "$(printf '%s' "$output" | jq -r '.reasons | length')" -ge 1 ]
	run guard-risk --command 'ls -la'
	[ "$(printf '%s' "$output" | jq -r .level)" = low ]
}

@test "guard-risk does not cry wolf on data that only looks dangerous" {
	for cmd in 'echo "rm -rf /"' 'grep -r rm .' "git commit -m 'rm -rf / is bad'" 'rm -rf ./build' \
		   'cat <<EOF
rm -rf /
EOF'; do
		run guard-risk --command "$cmd"
		echo "$cmd -> $output"
		level=$(printf '%s' "$output" | jq -r .level)
		[ "$level" = low ] || [ "$level" = medium ]
	done
}

@test "guard-risk --cwd resolves relative targets from that directory" {
	run guard-risk --command 'rm -rf build' --cwd "$PROJ"
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | jq -r '.targets[0]')" = build ]
	run guard-risk --command 'rm -rf x' --cwd /nonexistent-dir
	[ "$status" -eq 5 ]   # not found, as the README's table says (it was 2)
}

@test "guard-risk --explain walks through wrappers and rules" {
	run guard-risk --explain --command 'sudo env X=1 bash -c "rm -rf ~"'
	[ "$status" -eq 0 ]
	[[ "$output" == *"sudo"* ]]
	[[ "$output" == *"bash"* ]]
	[[ "$output" == *"critical"* ]]
}

@test "guard-risk as a filter adds risk and passes every other key through" {
	printf '%s\n' '{"tool":"Bash","input":{"command":"git status"},"custom":{"k":[1,2]}}' \
		      '{"tool":"Bash","input":{"command":"git reset --hard HEAD~3"}}' >in.jsonl
	run --separate-stderr guard-risk <in.jsonl
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 2 ]
	[ "$(printf '%s\n' "$output" | head -1 | jq -c .custom)" = '{"k":[1,2]}' ]
	[ "$(printf '%s\n' "$output" | head -1 | jq -r .risk.level)" = low ]
	[ "$(printf '%s\n' "$output" | tail -1 | jq -r .risk.level)" = high ]
	[ "$(printf '%s\n' "$output" | tail -1 | jq -r .id | wc -c)" -eq 37 ]
}

@test "guard-risk accepts an agent payload" {
	run --separate-stderr guard-risk <<<"$(bash_payload 'kubectl delete deployment api -n production')"
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | jq -r .risk.level)" = critical ]
	[ "$(printf '%s' "$output" | jq -r .source)" = claude ]
}

@test "guard-risk turns a bad line into a deny event and goes on" {
	printf '%s\n' '{"tool":"Bash","input":{"command":"ls"}}' 'not json' '[1]' '{"tool":"Bash","input":{"command":"pwd"}}' >in.jsonl
	run --separate-stderr guard-risk <in.jsonl
	[ "$status" -eq 2 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 4 ]
	[ "$(printf '%s\n' "$output" | sed -n 2p | jq -r .decision.effect)" = deny ]
	[ "$(printf '%s\n' "$output" | sed -n 3p | jq -r .decision.rule)" = guard.invalid-input ]
	[ "$(printf '%s\n' "$output" | sed -n 4p | jq -r .risk.level)" = low ]
	[[ "$stderr" == *"line 2: malformed JSON"* ]]
	[[ "$stderr" == *"line 3: expected a JSON object"* ]]
}

@test "guard-risk fails closed on empty input" {
	run --separate-stderr guard-risk </dev/null
	[ "$status" -eq 2 ]
	[ "$(printf '%s' "$output" | jq -r .decision.effect)" = deny ]
	[[ "$stderr" == *"no event"* ]]
}

@test "guard-risk bounds a line and survives NUL and invalid UTF-8" {
	{ printf '{"tool":"Bash","input":{"command":"'; head -c 9000000 /dev/zero | tr '\0' 'a'; printf '"}}\n'
	  printf '{"tool":"Bash","input":{"command":"ls\0"}}\n'
	  printf '{"tool":"Bash","input":{"command":"ls \xc3\x28"}}\n'
	  printf '{"tool":"Bash","input":{"command":"ls"}}\n'; } >in.jsonl
	run --separate-stderr guard-risk <in.jsonl
	[ "$status" -eq 2 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 4 ]
	[[ "$stderr" == *"line 1: longer than"* ]]
	[[ "$stderr" == *"line 2: event contains a NUL byte"* ]]
	[[ "$stderr" == *"line 3: event is not valid UTF-8"* ]]
	[ "$(printf '%s\n' "$output" | tail -1 | jq -r .risk.level)" = low ]
}

@test "guard-risk reports a write error on a full disk as exit 8" {
	run bash -c 'guard-risk --command ls >/dev/full'
	[ "$status" -eq 8 ]
	[[ "$output" == *"cannot write output"* ]]
}

@test "a script a shell runs that is there but too big to read is high, not a script rated by its name (attack5 F17)" {
	{ echo 'rm -rf .ai'; head -c 300000 /dev/zero | tr '\0' '#'; echo; } >big.sh
	echo 'ls' >small.sh
	for c in 'bash big.sh' 'sh big.sh' 'source big.sh' '. big.sh' 'bash < big.sh'; do
		run guard-risk --command "$c"
		[ "$(jq -r .level <<<"$output")" = high ]
		[[ "$(jq -r '.reasons[0]' <<<"$output")" == *"which guard cannot read now"* ]]
	done
	# read when it can be: a small one is rated by its text; one not there yet by its name
	run guard-risk --command 'bash small.sh'
	[ "$(jq -r .level <<<"$output")" != high ]
	run guard-risk --command 'bash missing.sh'
	[ "$(jq -r .level <<<"$output")" = medium ]
}
