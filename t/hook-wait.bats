#!/usr/bin/env bats
# approval.hook_wait never outlives the agent's hook (attack4 A7): a hook
# that times out does not block, so the project layer may only shorten the
# wait, and the hook cuts any wait to below the timeout its agent runs it
# with (from the agent's settings; guard init's 30 s when none is named).

load helper

setup() {
	setup_guard
	export GUARD_USER_POLICY=$HOME/.config/guard/policy.yaml
	unset APPROVAL_WORKFLOW_ENABLED APPROVAL_TIMEOUT APPROVAL_POLLING_INTERVAL
	mkdir -p "$HOME/.config/guard" .ai .claude
	user_wait "${USER_WAIT:-}"
	printf 'version: 1\n' >.ai/policy.yaml
}

user_wait() {
	{
		printf 'principals:\n  alice@example.com: {roles: [admin]}\n'
		[ -z "$1" ] || printf 'approval: {hook_wait: %s, poll_interval: 1s}\n' "$1"
	} >"$GUARD_USER_POLICY"
	chmod 600 "$GUARD_USER_POLICY"
}

# settings FILE TIMEOUT: guard's PreToolUse hook in FILE with that timeout
settings() {
	mkdir -p "$(dirname "$1")"
	jq -n --argjson t "$2" '{hooks:{PreToolUse:[{matcher:"*",hooks:[{type:"command",
		command:"guard hook claude || exit 2",timeout:$t}]}]}}' >"$1"
}

force_push='git push --force origin fix/parser'

@test "the project layer may shorten hook_wait, never lengthen it: a longer value is ignored with a warning" {
	printf 'version: 1\napproval: {hook_wait: 59s}\n' >.ai/policy.yaml
	run guard-policy --validate
	[ "$status" -eq 0 ]
	[[ "$output" == *".ai/policy.yaml:2:"*"approval.hook_wait ignored (looser than the value in force)"* ]]
	# the hook does not wait at all (the 0s in force): no wait to cut, the ask answered at once
	run --separate-stderr timeout 20 guard hook claude <<<"$(bash_payload "$force_push")"
	[ "$status" -eq 0 ]
	[ "$(decision_of)" = deny ]
	[[ "$output" == *"approval required"* ]]
	[[ "$output" != *"was cut"* ]]
	[[ "$stderr" != *pending* ]]
	# shorter than the user's: taken
	user_wait 20s
	printf 'version: 1\napproval: {hook_wait: 5s}\n' >.ai/policy.yaml
	run guard-policy --validate
	[ "$status" -eq 0 ]
	refute grep -q hook_wait <<<"$output"
	# other spellings of a longer wait are ignored the same way
	for v in '"25s"' '21'; do
		printf 'version: 1\napproval:\n  hook_wait: %s\n' "$v" >.ai/policy.yaml
		run guard-policy --validate
		[[ "$output" == *"approval.hook_wait ignored"* ]]
	done
}

@test "a trusted hook_wait above the hook's timeout is cut below it: the ask is answered in time" {
	user_wait 40s
	settings .claude/settings.json 4
	run --separate-stderr timeout 20 guard hook claude <<<"$(bash_payload "$force_push")"
	[ "$status" -eq 0 ]
	[ "$(decision_of)" = deny ]
	[[ "$output" == *"approval required"* ]]
	[[ "$output" == *"approval.hook_wait 40s was cut to 2s, below the hook's own timeout"* ]]
	[[ "$stderr" == *pending* ]]
}

@test "the shortest of the settings files counts: a longer timeout elsewhere does not lengthen the wait" {
	user_wait 40s
	settings .claude/settings.json 4
	settings .claude/settings.local.json 600
	settings "$HOME/.claude/settings.json" 900
	run --separate-stderr timeout 20 guard hook claude <<<"$(bash_payload "$force_push")"
	[[ "$output" == *"was cut to 2s"* ]]
	# a guard hook without a timeout runs with the agent's 60 s: the wait stays below that
	jq -n '{hooks:{PreToolUse:[{matcher:"*",hooks:[{type:"command",command:"guard hook claude || exit 2"}]}]}}' \
		>.claude/settings.json
	rm .claude/settings.local.json "$HOME/.claude/settings.json"
	user_wait 50s
	run_bg --separate-stderr guard hook claude <<<"$(bash_payload 'git push --force origin other')"
	# approved while it waits: it was still waiting (cut to 55 s is no cut; not 0)
	wait_for_line "$BATS_TEST_TMPDIR/bg.err" pending
	id=$(jq -r 'select(.summary | test("other")) | .id' "$PROJ"/.ai/approvals/*.json)
	guard-approve approve "$id" --as alice@example.com >/dev/null
	finish_bg
	[ "$(decision_of)" = allow ]
}

@test "gemini's timeout is in milliseconds" {
	user_wait 40s
	mkdir -p .gemini
	jq -n '{tools:{enableHooks:true},hooks:{enabled:true,BeforeTool:[{matcher:".*",hooks:[{type:"command",
		command:"guard hook gemini || exit 2",timeout:6000}]}]}}' >.gemini/settings.json
	run --separate-stderr timeout 20 guard hook gemini <<<"$(jq -cn --arg cwd "$PROJ" '{cwd:$cwd,
		hook_event_name:"BeforeTool",tool_name:"run_shell_command",tool_input:{command:"git push --force origin x"}}')"
	[ "$status" -eq 2 ]
	[[ "$output" == *"was cut to 3s"* ]]
}
