#!/usr/bin/env bats
# guard doctor: every configured hook is run on a destructive call and must deny it.

load helper

setup() {
	setup_guard
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR"
	GUARD_ABS=$(realpath "$GUARD_BIN/guard")
}

# Write a Claude settings file at $1 with one PreToolUse hook: command $2, matcher $3 (default *), timeout $4.
claude_settings() {
	mkdir -p "$(dirname "$1")"
	jq -n --arg c "$2" --arg m "${3:-*}" --argjson t "${4:-30}" \
		'{hooks:{PreToolUse:[{matcher:$m,hooks:[{type:"command",command:$c,timeout:$t}]}]}}' >"$1"
}

@test "doctor proves the hook guard init wrote, and leaves no scratch folder behind" {
	guard init >/dev/null
	run guard doctor
	[ "$status" -eq 0 ]
	[[ "$output" == *"claude hook: installed and proven in .claude/settings.json: 'rm -rf ~' denied, 'git status' allowed ($GUARD_ABS hook claude || exit 2)"* ]]
	[[ "$output" != *"problem"* ]]
	[ -z "$(ls -A "$TMPDIR")" ]
}

@test "doctor fails a hook whose program is gone, naming the command and the fix" {
	claude_settings .claude/settings.json '/nonexistent/guard hook claude'
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"problem: claude hook in .claude/settings.json does not block 'rm -rf ~': '/nonexistent/guard hook claude' exit 127"*"not found; fix: guard init --agent claude"* ]]
	[[ "$output" == *"1 problem"* ]]
	# the fix it names works
	guard init --agent claude >/dev/null
	run guard doctor
	[ "$status" -eq 0 ]
}

@test "doctor fails a guard command that is not on the PATH the hook gets" {
	claude_settings .claude/settings.json 'PATH=/nowhere guard hook claude'
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not block 'rm -rf ~'"*"exit 127"* ]]
}

@test "doctor fails a matcher that lets tools past guard" {
	claude_settings .claude/settings.json "$GUARD_ABS hook claude" Read
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"claude hook's matcher does not reach Bash, Write, Edit, MultiEdit, NotebookEdit, mcp__*: those calls run unchecked; fix: guard init --agent claude"* ]]
	claude_settings .claude/settings.json "$GUARD_ABS hook claude" 'Bash|Write|Edit|MultiEdit'
	run guard doctor
	[[ "$output" == *"does not reach NotebookEdit, mcp__*:"* ]]
	# a regex is matched against the whole tool name
	claude_settings .claude/settings.json "$GUARD_ABS hook claude" 'Bash|Write|.*Edit|mcp__.*'
	run guard doctor
	[ "$status" -eq 0 ]
	# guard init widens guard's own entry to every tool
	claude_settings .claude/settings.json "$GUARD_ABS hook claude" Read
	guard init >/dev/null
	[ "$(jq -r '.hooks.PreToolUse[0].matcher' .claude/settings.json)" = '*' ]
	run guard doctor
	[ "$status" -eq 0 ]
}

@test "doctor finds and proves a hook in ~/.claude/settings.json" {
	claude_settings "$HOME/.claude/settings.json" "$GUARD_ABS hook claude"
	run guard doctor
	[ "$status" -eq 0 ]
	[[ "$output" == *"claude hook: installed and proven in ~/.claude/settings.json"* ]]
}

@test "doctor notes a hook command found through PATH" {
	claude_settings .claude/settings.json 'guard hook claude'
	run guard doctor
	[ "$status" -eq 0 ]
	[[ "$output" == *"note: 'guard' is found through PATH, and the agent's PATH may differ; 'guard init --agent claude' writes the absolute path"* ]]
	guard init >/dev/null
	run guard doctor
	[[ "$output" != *"found through PATH"* ]]
}

@test "doctor reports no hook at all as a problem" {
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"claude hook: not installed"*"fix: guard init"* ]]
}

@test "doctor fails hooks that only look like guard: allow-all, non-blocking error, block-all, too slow" {
	claude_settings .claude/settings.json 'echo guard hook claude >/dev/null'
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not block 'rm -rf ~'"* ]]
	# exit 1 is a non-blocking error to Claude Code
	claude_settings .claude/settings.json "$GUARD_ABS hook claude >/dev/null; exit 1"
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not block 'rm -rf ~'"*"exit 1"* ]]
	# a hook that denies everything blocks the agent's everyday work
	claude_settings .claude/settings.json 'echo no guard hook >&2; exit 2'
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"blocks everything, 'git status' too"*"exit 2: no guard hook"* ]]
	# a hook that times out does not block
	claude_settings .claude/settings.json 'exec sleep 600 # guard hook claude' '*' 1
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not block 'rm -rf ~'"*"timed out"* ]]
}

@test "doctor names a settings file that is not JSON by line and column" {
	printf '{\n  // mine\n  "hooks": {}\n}\n' >"$HOME/.claude.tmp"
	mkdir -p "$HOME/.claude" && mv "$HOME/.claude.tmp" "$HOME/.claude/settings.json"
	guard init >/dev/null
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"problem: $HOME/.claude/settings.json:2:3: a comment (JSON has none)"* ]]
}

@test "doctor checks hook_wait against each proven hook's timeout" {
	printf 'approval: {hook_wait: 45s}\n' >"$BATS_TEST_TMPDIR/user.yaml"
	chmod 600 "$BATS_TEST_TMPDIR/user.yaml"
	export GUARD_USER_POLICY=$BATS_TEST_TMPDIR/user.yaml
	guard init --agent all >/dev/null
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"hook_wait (45s) is at or above the hook's timeout (30s in .claude/settings.json)"* ]]
	[[ "$output" == *"hook_wait (45s) is at or above the hook's timeout (30s in .gemini/settings.json)"* ]]
	[[ "$output" == *"hook_wait (45s) is at or above the hook's timeout (30s in .codex/config.toml)"* ]]
}

@test "doctor proves Gemini and Codex hooks and wants Gemini's hooks switched on" {
	guard init --agent all >/dev/null
	run guard doctor
	[ "$status" -eq 0 ]
	[[ "$output" == *"gemini hook: installed and proven in .gemini/settings.json"* ]]
	[[ "$output" == *"codex hook: installed and proven in .codex/config.toml"* ]]
	jq '.tools.enableHooks = false' .gemini/settings.json >g.json && mv g.json .gemini/settings.json
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"gemini hooks are not switched on in .gemini/settings.json"*"fix: guard init --agent gemini"* ]]
	guard init --agent gemini >/dev/null
	sed -i 's#|| exit 2#; exit 0#' .codex/config.toml
	sed -i "s#$GUARD_ABS#/nonexistent/guard#" .codex/config.toml
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"codex hook in .codex/config.toml does not block 'rm -rf ~'"* ]]
}

@test "doctor reports guard-git's hooks: none is a note, some is a problem" {
	guard init >/dev/null
	run guard doctor
	[ "$status" -eq 0 ]
	[[ "$output" == *"guard-git hooks: not installed (optional"* ]]
	guard-git install >/dev/null
	run guard doctor
	[ "$status" -eq 0 ]
	[[ "$output" == *"guard-git hooks: installed (reference-transaction, pre-commit, pre-push, post-checkout)"* ]]
	rm .git/hooks/pre-push
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"guard-git hooks: only reference-transaction, pre-commit, post-checkout of"*"fix: guard-git install"* ]]
	# a look-alike without guard-git's mark is not counted
	printf '#!/bin/sh\n# guard-git\nexit 0\n' >.git/hooks/pre-push
	run guard doctor
	[ "$status" -eq 1 ]
}

@test "doctor --help and guard help doctor print the verb's help" {
	run guard doctor --help
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: guard doctor"* ]]
	run guard help doctor
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: guard doctor"* ]]
	run guard doctor extra
	[ "$status" -eq 2 ]
}

# ---- what Claude Code reads, not only what cJSON reads (attack4 A4, A12, A18) ----

@test "doctor: disableAllHooks in any settings file Claude reads is a problem (project, local, user)" {
	guard init >/dev/null
	for f in .claude/settings.local.json "$HOME/.claude/settings.json"; do
		mkdir -p "$(dirname "$f")"
		echo '{"disableAllHooks": true}' >"$f"
		run guard doctor
		[ "$status" -eq 1 ]
		[[ "$output" == *"problem: "*"settings"*"json sets disableAllHooks: Claude Code runs no hook, so guard sees no call; fix: remove disableAllHooks from it"* ]]
		rm "$f"
	done
	# in the project file beside guard's hook, any value but false (Node reads "yes" as true)
	jq '. + {disableAllHooks: "yes"}' .claude/settings.json >s && mv s .claude/settings.json
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *".claude/settings.json sets disableAllHooks"* ]]
	jq '. + {disableAllHooks: false}' .claude/settings.json >s && mv s .claude/settings.json
	run guard doctor
	[ "$status" -eq 0 ]
	[[ "$output" != *disableAllHooks* ]]
}

@test "doctor: a member named twice (top level or in hooks) is a problem named as such" {
	guard init >/dev/null
	# Claude Code (JSON.parse) keeps the last "hooks": {}, cJSON the first
	sed -i '$ s/}$/, "hooks": {}}/' .claude/settings.json
	jq -e '.hooks == {}' .claude/settings.json
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *'problem: .claude/settings.json names "hooks" twice: what the agent reads is not what guard doctor proves'* ]]
	# in "hooks": a second PreToolUse
	rm .claude/settings.json
	guard init >/dev/null
	printf '{"hooks": {"PreToolUse": [], "PreToolUse": []}}\n' >.claude/settings.local.json
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *'.claude/settings.local.json names hooks."PreToolUse" twice'* ]]
	# the same name in two different objects is no duplicate
	printf '{"a": {"x": 1}, "b": {"x": 2}}\n' >.claude/settings.local.json
	run guard doctor
	[ "$status" -eq 0 ]
}

@test "doctor: guard-git hooks that git skips or that do not run guard-githook are problems" {
	guard-git install >/dev/null
	run guard doctor
	[[ "$output" == *"guard-git hooks: installed (reference-transaction, pre-commit, pre-push, post-checkout)"* ]]
	chmod -x .git/hooks/pre-commit
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"problem: guard-git hooks: pre-commit is not executable: git skips it; fix: guard-git install"* ]]
	[[ "$output" != *"guard-git hooks: installed"* ]]
	guard-git install >/dev/null
	run guard doctor
	[[ "$output" == *"guard-git hooks: installed"* ]]
	# the marker line, with nothing of guard's behind it
	printf '#!/bin/sh\nexit 0\n# guard-git hook: x\n' >.git/hooks/reference-transaction
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"reference-transaction carries guard's marker but does not run guard-githook"* ]]
	# guard's script with one line added before the exec
	guard-git install >/dev/null
	sed -i '2a exit 0' .git/hooks/pre-push
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"pre-push carries guard's marker but is not the script 'guard-git install' writes"* ]]
	# guard's script running some other program of that name
	guard-git install >/dev/null
	sed -i "s|exec '[^']*'|exec '/tmp/guard-githook'|" .git/hooks/pre-push
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"pre-push runs /tmp/guard-githook, which is not there or not executable"* ]] ||
		[[ "$output" == *"pre-push carries guard's marker"* ]]
}
