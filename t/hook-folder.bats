#!/usr/bin/env bats
# A shell tool's own working-folder argument (attack4 A14): Gemini's
# run_shell_command `directory` (and `dir_path`) and Codex's shell
# `workdir` are where the command runs, so it is rated there: resolved
# against the project root, symlinks followed as the kernel does, and a
# folder that is not there (or not a string) fails closed.

load helper

setup() {
	setup_guard
	mkdir -p .ai
	printf 'version: 1\n' >.ai/policy.yaml
}

gemini() { # gemini COMMAND DIRECTORY-JSON [KEY]
	jq -cn --arg c "$1" --argjson d "$2" --arg k "${3:-directory}" --arg cwd "$PROJ" \
		'{session_id:"s1",cwd:$cwd,hook_event_name:"BeforeTool",tool_name:"run_shell_command",
		  tool_input:({command:$c} + {($k):$d})}' | guard hook gemini
}

# the last run was denied by guard's rule for its own state
denied_own() {
	[ "$status" -eq 2 ]
	[[ "$output" == *protect-guard* ]]
}

codex() { # codex COMMAND WORKDIR
	jq -cn --arg c "$1" --arg w "$2" --arg cwd "$PROJ" \
		'{session_id:"s1",cwd:$cwd,hook_event_name:"PreToolUse",tool_name:"shell",
		  tool_input:{command:["bash","-lc",$c],workdir:$w}}' | guard hook codex
}

@test "gemini: a command run in .ai by its directory is rated there (user's case: src is allowed)" {
	run --separate-stderr gemini 'rm -f policy.yaml' '".ai"'
	[ "$status" -eq 2 ]
	[ "$(jq -r .decision <<<"$output")" = deny ]
	[[ "$output" == *protect-guard* ]]
	[[ "$output" == *".ai/policy.yaml"* ]]
	: >src/old.txt
	run --separate-stderr gemini 'ls old.txt' '"src"'
	[ "$status" -eq 0 ]
	[ "$(jq -r .decision <<<"$output")" = allow ]
}

@test "gemini: other spellings reach the same folder: dir_path, src/../.ai, an absolute path, a symlink" {
	for d in '".ai"' '"src/../.ai"' "\"$PROJ/.ai\""; do
		run gemini 'rm -f policy.yaml' "$d" dir_path
		denied_own
	done
	ln -s ../.ai src/lnk
	run gemini 'rm -f policy.yaml' '"src/lnk"'
	denied_own
	# src/lnk/.. is the project root as the kernel walks it (not src)
	run gemini 'rm -f .ai/policy.yaml' '"src/lnk/.."'
	denied_own
}

@test "gemini: a directory that is not there, not a folder, or not a string fails closed, naming it" {
	run gemini 'ls' '"nope"'
	[ "$status" -eq 2 ]
	[[ "$output" == *"tool_input.directory 'nope' is not a folder that exists"* ]]
	: >src/file
	run gemini 'ls' '"src/file"'
	[ "$status" -eq 2 ]
	[[ "$output" == *"not a folder"* ]]
	run gemini 'ls' '5'
	[ "$status" -eq 2 ]
	[[ "$output" == *"tool_input.directory is not a string"* ]]
	# two members naming different folders: which one runs is unknown
	run guard hook gemini <<<"$(jq -cn --arg cwd "$PROJ" '{cwd:$cwd,hook_event_name:"BeforeTool",
		tool_name:"run_shell_command",tool_input:{command:"ls",directory:"src",dir_path:".ai"}}')"
	[ "$status" -eq 2 ]
	[[ "$output" == *"name different folders"* ]]
	# null or empty: the payload's cwd, as before
	run gemini 'ls' 'null'
	[ "$status" -eq 0 ]
	run gemini 'ls' '""'
	[ "$status" -eq 0 ]
}

@test "codex: shell workdir is where the argv runs (relative and absolute)" {
	run codex 'rm -f policy.yaml' "$PROJ/.ai"
	denied_own
	run codex 'rm -f policy.yaml' '.ai'
	denied_own
	run codex 'ls' "$PROJ/src"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run codex 'ls' "$PROJ/missing"
	[ "$status" -eq 2 ]
	[[ "$output" == *"tool_input.workdir"*"is not a folder that exists"* ]]
}

@test "codex: a relative workdir is taken from the session's folder, not the project root (attack5 F11); shell_command is the shell tool too (F12)" {
	# from src, ".." is the project root: the .ai there is guard's
	run guard hook codex <<<"$(jq -cn --arg cwd "$PROJ/src" '{session_id:"s1",cwd:$cwd,hook_event_name:"PreToolUse",
		tool_name:"shell",tool_input:{command:["bash","-lc","rm -f .ai/policy.yaml"],workdir:".."}}')"
	denied_own
	# from the root, "src" is src
	run codex 'ls' 'src'
	[ "$status" -eq 0 ]
	run guard hook codex <<<"$(jq -cn --arg cwd "$PROJ" '{session_id:"s1",cwd:$cwd,hook_event_name:"PreToolUse",
		tool_name:"shell_command",tool_input:{command:"rm -rf .ai"}}')"
	denied_own
	run guard hook codex <<<"$(jq -cn --arg cwd "$PROJ/src" '{session_id:"s1",cwd:$cwd,hook_event_name:"PreToolUse",
		tool_name:"shell_command",tool_input:{command:"rm -f policy.yaml",workdir:"../.ai"}}')"
	denied_own
}

@test "the event keeps the project of the payload's cwd and rates a folder outside it as cwd outside" {
	out=$BATS_TEST_TMPDIR/outside
	mkdir -p "$out"
	run codex "rm -f $PROJ/.ai/policy.yaml" "$out"
	denied_own
	# a relative path there is where it runs: /usr/local/x is outside the project
	run codex 'rm -rf local/x' /usr
	[ "$status" -eq 2 ]
	[[ "$output" == *"outside the project: /usr/local/x"* ]]
	# and the project's own log has the record
	grep -q 'rm -rf local/x' "$PROJ"/.ai/audit/*.jsonl
}

@test "claude's Bash input has no folder member: a 'directory' there is just input" {
	run guard hook claude <<<"$(tool_payload Bash '{"command":"rm -f policy.yaml","directory":".ai"}')"
	[ "$status" -eq 0 ]
	[ "$(decision_of)" = allow ]
}
