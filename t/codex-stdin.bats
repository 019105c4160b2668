#!/usr/bin/env bats
# Codex's unified exec (attack7 H16): write_stdin {session_id, chars}
# types text into a command exec_command left running (a shell, python3 -,
# cat | sh), and unified_exec with a session_id does the same with its
# input chunks. What is typed is rated as the shell command line it is,
# with the running command's folder unknown (a cd typed earlier moved
# it): relative writes fail closed, guard's state by name is denied, a
# line not ended yet is refused (a later write would complete a command
# nobody read). A poll (nothing typed) is allowed.

load helper

setup() {
	setup_guard
	mkdir -p .ai
	printf 'version: 1\n' >.ai/policy.yaml
}

# write_stdin CHARS-JSON: the hook's answer to typing CHARS into session 1
write_stdin() {
	jq -cn --argjson c "$1" --arg cwd "$PROJ" \
		'{session_id:"s1",cwd:$cwd,hook_event_name:"PreToolUse",tool_name:"write_stdin",
		  tool_input:{session_id:1,chars:$c}}' | guard hook codex
}

unified() { # unified INPUT-JSON-ARRAY
	jq -cn --argjson i "$1" --arg cwd "$PROJ" \
		'{session_id:"s1",cwd:$cwd,hook_event_name:"PreToolUse",tool_name:"unified_exec",
		  tool_input:{session_id:"7",input:$i}}' | guard hook codex
}

reason() { jq -r '.hookSpecificOutput.permissionDecisionReason // ""' <<<"$output"; }

# refused CHARS-JSON [WORDS]: typing CHARS is denied (its reason holding WORDS)
refused() {
	run --separate-stderr write_stdin "$1"
	[ "$status" -eq 2 ]
	[[ -z ${2:-} || "$(reason)" == *"$2"* ]]
}

@test "write_stdin: a typed command line is rated as a shell command (user: ls, a poll, Ctrl-C pass)" {
	run write_stdin '"ls\n"'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run write_stdin '"git status\r"'
	[ "$status" -eq 0 ]
	run write_stdin '""'
	[ "$status" -eq 0 ]
	run write_stdin '"\u0003"'
	[ "$status" -eq 0 ]
	# chars left out: a poll too
	run guard hook codex <<<"$(jq -cn --arg cwd "$PROJ" '{session_id:"s1",cwd:$cwd,hook_event_name:"PreToolUse",
		tool_name:"write_stdin",tool_input:{session_id:1}}')"
	[ "$status" -eq 0 ]
}

@test "write_stdin: guard's state, destructive lines and every line of a chunk are rated (the attack as H16 ran it)" {
	refused '"rm -rf .ai\n"' protect-guard
	[ -f .ai/policy.yaml ]
	refused '"ls\nrm -rf ~\n"'
	refused '"cd .ai\nrm policy.yaml\n"' protect-guard
	refused '"git push --force origin main\n"'
	# Enter as a terminal sends it
	refused '"rm -rf .ai\r"' protect-guard
}

@test "write_stdin: the running command's folder is unknown, so relative writes fail closed" {
	refused '"printf x > policy.yaml\n"' "after cd to a computed place"
	refused '"echo hi > notes.txt\n"'
	# reading stays allowed
	run write_stdin '"cat src/x.py\n"'
	[ "$status" -eq 0 ]
}

@test "write_stdin: a line without Enter is refused, so a command cannot be split across writes" {
	refused '"rm -rf .a"' "without Enter"
	refused '"ls"' "without Enter"
}

@test "write_stdin: chars that are not a string fail closed" {
	refused '7'
	refused '["rm -rf .ai\n"]'
}

@test "unified_exec with a session_id types its input chunks: rated the same way" {
	run --separate-stderr unified '["rm -rf ", ".ai\n"]'
	[ "$status" -eq 2 ]
	[[ "$(reason)" == *protect-guard* ]]
	run unified '["ls\n"]'
	[ "$status" -eq 0 ]
	run --separate-stderr unified '[7]'
	[ "$status" -eq 2 ]
	run --separate-stderr unified '"rm -rf .ai\n"'
	[ "$status" -eq 2 ]
}

@test "other agents' tools named write_stdin are not Codex's: unchanged" {
	run guard hook claude <<<"$(jq -cn --arg cwd "$PROJ" '{session_id:"s1",cwd:$cwd,hook_event_name:"PreToolUse",
		tool_name:"write_stdin",tool_input:{session_id:1,chars:"ls\n"}}')"
	[ "$status" -eq 0 ]
}
