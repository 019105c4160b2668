#!/usr/bin/env bats
# The programs together: what approvals and sessions leave in the audit
# log, and that the chain stays whole across all of them.

load helper

setup() {
	setup_guard
	export GUARD_USER_POLICY=$HOME/.config/guard/policy.yaml
	mkdir -p "$HOME/.config/guard"
	printf 'principals:\n  alice@example.com: {roles: [admin]}\n' >"$GUARD_USER_POLICY"
	chmod 600 "$GUARD_USER_POLICY"
	git -C "$PROJ" config user.email t@example.com
	git -C "$PROJ" config user.name tester
	git -C "$PROJ" checkout -q -b main
	printf 'one\n' >"$PROJ/src/main.c"
	git -C "$PROJ" add -A && git -C "$PROJ" commit -qm init
}

events() { guard-audit query | jq -r '.event'; }

@test "an approval's life is in the audit log: required, approved, consumed, each by its actor" {
	run guard hook claude <<<"$(bash_payload 'git push --force origin fix/x')"
	[ "$(decision_of)" = deny ]
	id=$(ls .ai/approvals | sed -n 's/\.json$//p')
	guard-approve approve "$id" --as alice@example.com --reason 'ok by me' >/dev/null
	run guard hook claude <<<"$(bash_payload 'git push --force origin fix/x')"
	[ "$(decision_of)" = allow ]
	run events
	[ "$output" = "$(printf 'approval.required\ndecision\napproval.status_changed\napproval.status_changed\ndecision')" ]
	q=$(guard-audit query --approval "$id")
	[ "$(jq -r 'select(.event == "approval.status_changed") | .approval.status + " " + .actor.user' <<<"$q" | head -1)" = \
	  "approved alice@example.com" ]
	[ "$(jq -r 'select(.event == "approval.status_changed") | .approval.status' <<<"$q" | tail -1)" = consumed ]
	[ "$(jq -r 'select(.event == "decision") | .decision.rule' <<<"$q" | tail -1)" = guard.approved ]
	run guard-audit verify
	[ "$status" -eq 0 ]
}

@test "a decision the audit log cannot record is not made" {
	id=$(guard-approve request --as claude --command 'git push --force origin fix/y')
	# the audit log's lock cannot be taken: a directory stands where it goes
	rm -f .ai/audit/.lock && mkdir .ai/audit/.lock
	run guard-approve approve "$id" --as alice@example.com
	[ "$status" -eq 8 ]
	[ "$(jq -r .status ".ai/approvals/$id.json")" = pending ]
}

@test "a session's start, breach and end are in the audit log, in one chain with the hook's decisions" {
	mkdir -p .ai
	printf 'version: 1\nsession:\n  max_files_created: 1\n' >.ai/policy.yaml
	git add -A && git commit -qm policy
	run --separate-stderr guard-session start --task audit-me
	[ "$status" -eq 0 ]
	export GUARD_SESSION=${output#export GUARD_SESSION=}
	for f in a b; do
		p=$(jq -cn --arg cwd "$PROJ" --arg p "$PROJ/src/$f.c" --arg e PreToolUse \
			'{session_id:"n",cwd:$cwd,hook_event_name:$e,tool_name:"Write",tool_input:{file_path:$p,content:"x"},tool_use_id:$p}')
		guard hook claude <<<"$p" >/dev/null || true
		printf 'x\n' >"src/$f.c"
		guard hook claude <<<"$(jq -c '.hook_event_name = "PostToolUse" | .tool_response = {success: true}' <<<"$p")" >/dev/null || true
	done
	run events
	[[ "$output" == "session.start"* ]]
	[[ "$output" == *"session.terminate"* ]]
	[ "$(guard-audit query --event session.terminate | jq -r .session)" = "$GUARD_SESSION" ]
	run guard-audit verify
	[ "$status" -eq 0 ]
	# the session's own log, for the PR body, has them too
	grep -q '"event":"session.terminate"' ".ai/sessions/$GUARD_SESSION.log.jsonl"
}

@test "an Authorization: token header in a command never reaches the audit log" {
	run guard hook claude <<<"$(bash_payload 'curl -H "Authorization: token qwertyuiopasdfghjkl1234" https://api.github.com/user')"
	run guard hook claude <<<"$(bash_payload 'curl -H "Authorization: Bearer zxcvbnmasdfghjklqwer" https://example.com')"
	refute grep -rq -e qwertyuiopasdfghjkl1234 -e zxcvbnmasdfghjklqwer .ai/audit/
	[ "$(guard-audit query | jq -s '[.[].erased | length] | add')" -ge 2 ]
}
