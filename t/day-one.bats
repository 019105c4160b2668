#!/usr/bin/env bats
# Approvals on day one: keygen --install/--show, approval.attended: agent-prompt, hints where a person is stuck.

load helper

setup() {
	setup_guard
	export GUARD_USER_POLICY=$BATS_TEST_TMPDIR/user.yaml
	force_push='git push --force origin fix/parser'
}

user_policy() {
	cat >"$GUARD_USER_POLICY"
	chmod 600 "$GUARD_USER_POLICY"
}

post_payload() {
	jq -cn --arg c "$1" --arg cwd "$PROJ" --arg m "${2:-default}" \
		'{session_id:"s1",cwd:$cwd,permission_mode:$m,hook_event_name:"PostToolUse",tool_name:"Bash",
		  tool_input:{command:$c},tool_response:{stdout:"",stderr:"",interrupted:false},tool_use_id:"toolu_9"}'
}

@test "keygen --install makes the current user (git's user.email) an approver; --show reprints the key" {
	git config user.email me@example.com
	run guard-approve keygen --no-passphrase --install
	[ "$status" -eq 0 ]
	[[ "$output" == *"added me@example.com (roles [admin]) with this key to $GUARD_USER_POLICY"* ]]
	pub=$(sed -n 's/.*key: "\(ed25519:[^"]*\)".*/\1/p' "$GUARD_USER_POLICY")
	[ -n "$pub" ]
	run --separate-stderr guard-approve keygen --show
	[ "$status" -eq 0 ]
	[[ "$output" == *"$pub"* ]]
	# a second keygen refuses and names --public/--show's way
	run guard-approve keygen --no-passphrase
	[ "$status" -eq 4 ]
	[[ "$output" == *"--public reprints"* ]]
	run guard doctor
	[[ "$output" == *"approvals: 1 approver (1 with a signing key)"* ]]
	# the person can now approve what the agent asked for
	id=$(guard-approve request --as claude --command "$force_push")
	run guard-approve approve "$id"
	[ "$status" -eq 0 ]
}

@test "keygen --show without a key says how to make one" {
	run guard-approve keygen --show --as nobody@example.com
	[ "$status" -eq 5 ]
	[[ "$output" == *"does not exist (guard-approve keygen --as nobody@example.com makes it)"* ]]
}

@test "guard-approve list outside a repository says what to do and does not crash" {
	cd "$BATS_TEST_TMPDIR"
	mkdir -p nowhere && cd nowhere
	run env -u USER guard-approve list
	[ "$status" -eq 5 ]
	[[ "$output" == *"no project here"*"run guard-approve inside your repository"* ]]
}

@test "guard-approve list by someone who is no principal names the way in" {
	run guard-approve list --as stranger@example.com
	[ "$status" -eq 1 ]
	[[ "$output" == *"lacks the permission approval.view"*"guard-approve keygen --install"* ]]
}

@test "attended: agent-prompt passes ask to Claude's prompt, writes no request, and records the yes from PostToolUse" {
	user_policy <<<'approval: {attended: agent-prompt}'
	run --separate-stderr guard hook claude <<<"$(bash_payload "$force_push")"
	[ "$status" -eq 0 ]
	[ "$(decision_of)" = ask ]
	[ -z "$(ls .ai/approvals/*.json 2>/dev/null)" ]
	run --separate-stderr guard hook claude <<<"$(post_payload "$force_push")"
	[ "$status" -eq 0 ]
	run guard-audit query --json
	[ "$status" -eq 0 ]
	[ "$(jq -sc '[.[] | .approval | select(.) | [.via, .status]]' <<<"$output")" = '[["agent-prompt","asked"],["agent-prompt","approved"]]' ]
	# an everyday call's PostToolUse records no approval
	guard hook claude <<<"$(post_payload 'git status')" >/dev/null
	[ "$(guard-audit query --json | jq -s '[.[] | .approval | select(.)] | length')" -eq 2 ]
}

@test "agent-prompt is not used where no prompt would be shown, nor for other agents, nor from the project layer" {
	user_policy <<<'approval: {attended: agent-prompt}'
	payload=$(bash_payload "$force_push" | jq -c '.permission_mode = "bypassPermissions"')
	run --separate-stderr guard hook claude <<<"$payload"
	[ "$(decision_of)" = deny ]
	[[ "$output" == *"guard-approve approve"* ]]
	[ -n "$(ls .ai/approvals/*.json)" ]
	# unattended, nobody is at the prompt
	run --separate-stderr env GUARD_PROFILE=unattended guard hook claude <<<"$(bash_payload "$force_push")"
	[ "$(decision_of)" = deny ]
	# Codex cannot ask
	run --separate-stderr guard hook codex <<<"$(bash_payload "$force_push")"
	[ "$status" -eq 2 ]
	# the project layer may not loosen approvals
	rm "$GUARD_USER_POLICY"
	mkdir -p .ai && printf 'version: 1\napproval: {attended: agent-prompt}\n' >.ai/policy.yaml
	run --separate-stderr guard hook claude <<<"$(bash_payload "$force_push")"
	[ "$(decision_of)" = deny ]
}

@test "approval.attended takes request or agent-prompt only" {
	user_policy <<<'approval: {attended: prompt}'
	run guard-policy --validate "$GUARD_USER_POLICY"
	[ "$status" -eq 7 ]
	[[ "$output" == *"attended"* ]]
}
